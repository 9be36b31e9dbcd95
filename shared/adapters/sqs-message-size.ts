/** What SQS counts of a message's attributes towards its size limits and 64 KB billing chunks: each one's name, type and value. */
export function messageAttributesBytes(
  attributes:
    | Record<string, { DataType?: string | undefined; StringValue?: string | undefined; BinaryValue?: Uint8Array | undefined }>
    | undefined,
): number {
  if (!attributes) return 0;
  return Object.entries(attributes).reduce(
    (sum, [name, value]) =>
      sum +
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType ?? '') +
      Buffer.byteLength(value.StringValue ?? '') +
      (value.BinaryValue?.byteLength ?? 0),
    0,
  );
}
