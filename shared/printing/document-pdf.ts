/**
 * The printable copy of a sealed document: an A4 PDF a person reads, with a QR code that leads to
 * the verification page. The paper is not the sealed document (the JSON and its seal are); the QR
 * code lets whoever holds the paper fetch and check the sealed original and compare it.
 *
 * pdf-lib with its standard fonts (Helvetica: nothing to bundle; WinAnsi text, so characters it
 * cannot encode print as "?"), the QR code drawn as vector squares. The bytes are deterministic
 * (no generated dates or ids): a retried rendering is the same object under the same archive key.
 */
import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from 'pdf-lib';
import QRCode from 'qrcode';
import type { AssessmentNotice, CustomsDocument, ReleaseNote } from '#shared/domain/sealed-documents.ts';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;
const QR_SIZE = 120;
/** The labels' column: wide enough for "Type and office". */
const LABEL_WIDTH = 100;

const titles: Record<CustomsDocument['kind'], string> = { ASSESSMENT_NOTICE: 'Assessment notice', RELEASE_NOTE: 'Release note' };

/** What the page shows besides the document: how it is sealed, and where to check it. */
export interface PrintContext {
  documentId: string;
  documentSha256: string;
  kid: string;
  verificationUrl: string;
}

/** WinAnsi has no glyph for most of Unicode: those characters print as "?" rather than fail. */
const printable = (text: string): string => text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?');

/**
 * The length of the longest start of `text` that, followed by `suffix`, fits in `width` points
 * (at least `minimum`). A binary search, since widths only grow with length: cutting one character
 * at a time measured a 512-character description some 500 times (17 s for a 999-item notice).
 */
function longestFitting(text: string, font: PDFFont, size: number, width: number, suffix = '', minimum = 0): number {
  let fits = minimum;
  let tooLong = text.length + 1;
  while (tooLong - fits > 1) {
    const middle = Math.floor((fits + tooLong) / 2);
    if (font.widthOfTextAtSize(`${text.slice(0, middle)}${suffix}`, size) <= width) fits = middle;
    else tooLong = middle;
  }
  return fits;
}

/** The text, cut (with "...") to what fits in `width` points. */
function fitted(text: string, font: PDFFont, size: number, width: number): string {
  if (font.widthOfTextAtSize(text, size) <= width) return text;
  return `${text.slice(0, longestFitting(text, font, size, width, '...'))}...`;
}

class Writer {
  page: PDFPage;
  y: number;

  constructor(
    private readonly pdf: PDFDocument,
    readonly font: PDFFont,
    readonly bold: PDFFont,
  ) {
    this.page = pdf.addPage(A4);
    this.y = A4[1] - MARGIN;
  }

  private room(height: number): void {
    if (this.y - height >= MARGIN) return;
    this.page = this.pdf.addPage(A4);
    this.y = A4[1] - MARGIN;
  }

  /** One line, cut to the width left of `right` (the QR code's column on page 1). */
  line(text: string, options: { size?: number; bold?: boolean; indent?: number; right?: number } = {}): void {
    const size = options.size ?? 10;
    const font = options.bold ? this.bold : this.font;
    const x = MARGIN + (options.indent ?? 0);
    const width = A4[0] - MARGIN - x - (options.right ?? 0);
    const shown = fitted(printable(text), font, size, width);
    this.room(size + 4);
    this.page.drawText(shown, { x, y: this.y - size, size, font, color: rgb(0, 0, 0) });
    this.y -= size + 4;
  }

  /** A label and its value on one line. */
  field(label: string, value: string): void {
    this.room(14);
    this.page.drawText(printable(label), { x: MARGIN, y: this.y - 10, size: 10, font: this.bold });
    const x = MARGIN + LABEL_WIDTH;
    const width = A4[0] - MARGIN - x;
    const shown = fitted(printable(value), this.font, 10, width);
    this.page.drawText(shown, { x, y: this.y - 10, size: 10, font: this.font });
    this.y -= 14;
  }

  /** Text over as many lines as it takes, broken anywhere (hashes and URLs have no spaces). */
  wrapped(text: string, size: number): void {
    const width = A4[0] - 2 * MARGIN;
    let rest = printable(text);
    while (rest.length > 0) {
      // At least one character a line, however narrow the page.
      const end = longestFitting(rest, this.font, size, width, '', 1);
      this.room(size + 3);
      this.page.drawText(rest.slice(0, end), { x: MARGIN, y: this.y - size, size, font: this.font });
      this.y -= size + 3;
      rest = rest.slice(end);
    }
  }

  gap(height = 8): void {
    this.y -= height;
  }
}

/** The QR code of `url`, drawn at (x, y) (its lower-left corner), `size` points wide. */
function drawQrCode(page: PDFPage, url: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' });
  // A quiet zone of four modules around the symbol (ISO/IEC 18004 §6.3.8), so scanners find it.
  const cells = modules.size + 8;
  const cell = size / cells;
  page.drawRectangle({ x, y, width: size, height: size, color: rgb(1, 1, 1) });
  for (let row = 0; row < modules.size; row++) {
    for (let column = 0; column < modules.size; column++) {
      if (!modules.get(row, column)) continue;
      page.drawRectangle({
        x: x + (column + 4) * cell,
        y: y + size - (row + 5) * cell,
        width: cell,
        height: cell,
        color: rgb(0, 0, 0),
      });
    }
  }
}

function dutiesOf(writer: Writer, duties: { currency: string; byTaxType: Record<string, string>; total: string } | null): void {
  writer.gap();
  writer.line('Duties and taxes', { size: 12, bold: true });
  if (!duties) {
    writer.line('None assessed (an export owes no import duties or taxes).');
    return;
  }
  for (const [taxType, amount] of Object.entries(duties.byTaxType).sort(([a], [b]) => a.localeCompare(b))) {
    writer.field(`  ${taxType}`, `${amount} ${duties.currency}`);
  }
  writer.field('Total', `${duties.total} ${duties.currency}`);
}

function goodsOf(
  writer: Writer,
  goods: readonly { item: number; commodityCode: string; origin: string | null; description: string; customsValue?: string }[],
) {
  writer.gap();
  writer.line(`Goods (${goods.length} item${goods.length === 1 ? '' : 's'})`, { size: 12, bold: true });
  for (const item of goods) {
    const value = item.customsValue === undefined ? '' : `, customs value ${item.customsValue}`;
    writer.line(`${item.item}. ${item.commodityCode} (origin ${item.origin ?? '-'})${value}: ${item.description}`, { indent: 10 });
  }
}

function notice(writer: Writer, document: AssessmentNotice): void {
  const { declarant, importer, exporter } = document.parties;
  writer.gap();
  writer.line('Parties', { size: 12, bold: true });
  writer.field('Declarant', `${declarant.name} (${declarant.id})`);
  writer.field('Importer', `${importer.name}${importer.id ? ` (${importer.id})` : ''}, ${importer.country}`);
  writer.field('Exporter', `${exporter.name}${exporter.id ? ` (${exporter.id})` : ''}, ${exporter.country}`);
  goodsOf(writer, document.goods);
  dutiesOf(writer, document.duties);
  writer.field('Tariff', `pack ${document.duties.tariffPackVersion}, accepted ${document.duties.acceptanceDate}`);
  writer.field('Assessed at', document.assessed.at);
}

function releaseNote(writer: Writer, document: ReleaseNote): void {
  writer.field('Declarant', document.declarant.id);
  writer.field(
    'Released at',
    `${document.released.at} (${document.released.by === 'OFFICER' ? 'by an officer' : 'cleared automatically'})`,
  );
  goodsOf(writer, document.goods);
  dutiesOf(writer, document.duties);
}

/** The PDF of a sealed document. */
export async function renderDocumentPdf(document: CustomsDocument, context: PrintContext): Promise<Uint8Array> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const title = `${titles[document.kind]} ${document.declarationId}`;
  pdf.setTitle(title);
  pdf.setSubject(`${titles[document.kind]} under the customs seal of ${document.issuer.country}`);
  pdf.setCreationDate(new Date(document.issuedAt));
  pdf.setModificationDate(new Date(document.issuedAt));
  const writer = new Writer(pdf, await pdf.embedFont(StandardFonts.Helvetica), await pdf.embedFont(StandardFonts.HelveticaBold));

  const top = writer.y;
  drawQrCode(writer.page, context.verificationUrl, A4[0] - MARGIN - QR_SIZE, top - QR_SIZE, QR_SIZE);
  const beside = QR_SIZE + 10;
  writer.line(`Customs of ${document.issuer.country}`, { size: 10, right: beside });
  writer.line(titles[document.kind], { size: 20, bold: true, right: beside });
  // Below the QR code, the fields have the page's width: a 35-character UCR always fits.
  writer.y = Math.min(writer.y, top - QR_SIZE - 14);
  writer.field('Declaration', document.declarationId);
  writer.field('UCR', document.ucr);
  writer.field('LRN', document.lrn);
  writer.field('Type and office', `${document.type} at ${document.office}`);
  writer.field('Issued at', document.issuedAt);
  writer.page.drawText('Scan to verify', { x: A4[0] - MARGIN - QR_SIZE + 28, y: top - QR_SIZE - 10, size: 8, font: writer.font });

  if (document.kind === 'ASSESSMENT_NOTICE') notice(writer, document);
  else releaseNote(writer, document);

  writer.gap();
  writer.line('Seal', { size: 12, bold: true });
  writer.wrapped(`Document ${context.documentId}, sealed with key ${context.kid} (ES256).`, 8);
  writer.wrapped(`SHA-256 of the canonical document: ${context.documentSha256}`, 8);
  writer.wrapped(`SHA-256 of the submitted declaration: ${document.submittedSha256}`, 8);
  writer.wrapped(`History head: version ${document.history.version}, SHA-256 ${document.history.sha256}`, 8);
  writer.gap(4);
  writer.wrapped('This paper is a copy. The sealed original is the JSON document with its seal; check it at:', 8);
  writer.wrapped(context.verificationUrl, 8);
  return pdf.save();
}
