// The floor for bench/headless.mjs: a plain node:http client doing what `vastdeck instances --json` does on the
// wire (the same GET /api/v1/instances/ with the same query, following next_token), parsing each page's JSON and
// printing the rows as JSON. Usage: node bench/headless-plain.mjs URL KEY
import http from 'node:http';

const [base, key] = process.argv.slice(2);
const get = (url) =>
  new Promise((resolve, reject) => {
    const req = http.get(
      url,
      { headers: { authorization: `Bearer ${key}`, accept: 'application/json', 'user-agent': 'plain' } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });

const rows = [];
let token;
do {
  const q =
    'select_filters=%7B%7D&order_by=%5B%7B%22col%22%3A+%22id%22%2C+%22dir%22%3A+%22asc%22%7D%5D&limit=25' +
    (token ? `&after_token=${encodeURIComponent(token)}` : '');
  const page = await get(`${base}/api/v1/instances/?${q}`);
  rows.push(...page.instances);
  token = page.next_token;
} while (token);
process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
