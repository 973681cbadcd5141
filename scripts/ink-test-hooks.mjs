// Module resolve hook registered by scripts/ink-test-register.mjs: the bare specifier `ink`, from any importer,
// is the patched test bundle. Everything else resolves as usual.
let inkUrl;

export function initialize(data) {
  inkUrl = data.url;
}

export function resolve(specifier, context, next) {
  if (specifier === 'ink') return { url: inkUrl, format: 'module', shortCircuit: true };
  return next(specifier, context);
}
