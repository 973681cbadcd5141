/**
 * Redaction of secrets (API key, Hub token, env values) in the forms they take when serialized: a server that
 * echoes a request body puts the key inside a JSON string (`zz"QUOTE\77` becomes `zz\"QUOTE\\77`, and twice
 * escaped when that JSON is itself quoted), a URL carries it percent-encoded, a Basic auth header base64.
 * The CLI output, VastError messages, the journal and notifications all cut secrets through `cutSecrets`.
 */

const forms = new Map<string, string[]>();

/**
 * Every form of `secret` to cut: raw, JSON-escaped once and twice, percent-encoded (both cases, + for space), base64.
 */
export function secretForms(secret: string): string[] {
  const known = forms.get(secret);
  if (known) return known;
  const json1 = JSON.stringify(secret).slice(1, -1);
  const json2 = JSON.stringify(json1).slice(1, -1);
  const url = encodeURIComponent(secret);
  const lowerUrl = url.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
  const b64 = Buffer.from(secret).toString('base64');
  const all = [
    secret,
    json1,
    json2,
    url,
    lowerUrl,
    url.replace(/%20/g, '+'),
    encodeURI(secret),
    b64,
    b64.replace(/=+$/, ''),
    Buffer.from(secret).toString('base64url'),
  ];
  // Longest first, so a longer form is cut whole before a shorter one inside it.
  const list = [...new Set(all)].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
  forms.set(secret, list);
  return list;
}

/** `text` with every form of every secret (at least `minLength` long) replaced by `mask`. */
export function cutSecrets(text: string, secrets: Iterable<string>, mask: string, minLength = 4): string {
  let out = text;
  const all: string[] = [];
  for (const s of secrets) if (s && s.length >= minLength) all.push(...secretForms(s));
  all.sort((a, b) => b.length - a.length);
  for (const f of all) if (out.includes(f)) out = out.split(f).join(mask);
  return out;
}
