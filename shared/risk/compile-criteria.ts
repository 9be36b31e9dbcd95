/**
 * Compiles criteria trees (data) into matchers (closures over Sets and Decimals), once per
 * profile set, so scoring a declaration is a few hundred Set lookups. Nothing from the profile is
 * ever evaluated as code. And / or / not combine their children's nodes (an item-level node if any
 * child is one); each leaf goes to its kind's compiler (compile-leaf-criteria.ts).
 */
import { compileLeaf } from './compile-leaf-criteria.ts';
import type { CompiledNode } from './compiled-node.ts';
import type { Criterion } from './profile.ts';

export function compileNode(criterion: Criterion): CompiledNode {
  switch (criterion.kind) {
    case 'and': {
      const nodes = criterion.of.map(compileNode);
      return {
        item: nodes.some((n) => n.item),
        test: (facts, index) => {
          for (const node of nodes) if (!node.test(facts, index)) return false;
          return true;
        },
        explain: (facts, index, holds, out) => {
          if (holds) for (const node of nodes) node.explain(facts, index, true, out);
          else nodes.find((n) => !n.test(facts, index))?.explain(facts, index, false, out);
        },
      };
    }
    case 'or': {
      const nodes = criterion.of.map(compileNode);
      return {
        item: nodes.some((n) => n.item),
        test: (facts, index) => {
          for (const node of nodes) if (node.test(facts, index)) return true;
          return false;
        },
        explain: (facts, index, holds, out) => {
          if (holds) nodes.find((n) => n.test(facts, index))?.explain(facts, index, true, out);
          else for (const node of nodes) node.explain(facts, index, false, out);
        },
      };
    }
    case 'not': {
      const node = compileNode(criterion.of);
      return {
        item: node.item,
        test: (facts, index) => !node.test(facts, index),
        explain: (facts, index, holds, out) => node.explain(facts, index, !holds, out),
      };
    }
    default:
      return compileLeaf(criterion);
  }
}
