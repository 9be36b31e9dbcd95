/**
 * A port whose method calls are counted by name, the fake itself answering them: for a use-case
 * test that a stage makes no read it can do without (every call is billed: docs/cost.md).
 */
export function counted<T extends object>(target: T): { port: T; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const port = new Proxy(target, {
    get: (object, property) => {
      const value = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls[String(property)] = (calls[String(property)] ?? 0) + 1;
        return value.apply(object, args);
      };
    },
  });
  return { port, calls };
}
