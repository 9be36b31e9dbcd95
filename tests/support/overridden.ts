/**
 * A port with some of its methods replaced, the others those of the fake itself: for a use-case
 * test where one call fails or another process acts in between (a crash, a throttle, a race).
 */
export function overridden<T extends object>(target: T, overrides: { [K in keyof T]?: T[K] }): T {
  return new Proxy(target, {
    get: (object, property) => {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof T];
      const value = Reflect.get(object, property, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}
