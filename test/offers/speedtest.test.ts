import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPair, startSimHost, type SimHost } from '../../src/sim/hosts/index.js';
import { SshPool } from '../../src/core/ssh/index.js';
import { measureDownload, parseSpeed, speedCommand } from '../../src/core/ops/speedtest.js';
import { profileSchema } from '../../src/core/profiles/schema.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-speed-'));
const pair = generateKeyPair();
const keyFile = path.join(dir, 'id');
writeFileSync(keyFile, pair.private, { mode: 0o600 });
const pool = new SshPool({
  knownHostsFile: path.join(dir, 'known_hosts'),
  auth: { agentSocket: null, keyPaths: [keyFile] },
});
const hosts: SimHost[] = [];
after(async () => {
  await pool.close();
  await Promise.all(hosts.map((h) => h.close()));
});

async function host(inetDownMbps: number, urlMbps: Record<string, number> = {}) {
  const h = await startSimHost({ scenario: { inetDownMbps, urlMbps }, authorizedKeys: [pair.public] });
  hosts.push(h);
  return { host: '127.0.0.1', port: h.port };
}
const exec = (t: { host: string; port: number }, cmd: string, o?: object) => pool.exec(t, cmd, o);
const URL = 'https://huggingface.co/gpt2/resolve/main/model.safetensors';

describe('download speed test over SSH (simulated host)', () => {
  test('a good host measures near its advert, no warning', async () => {
    const r = await measureDownload(exec, await host(900), [URL], { advertisedMbps: 900, seconds: 5 });
    assert.equal(r.urls.length, 1);
    assert.ok(r.bestMbps! > 700 && r.bestMbps! <= 900, String(r.bestMbps));
    assert.equal(r.warning, null);
  });

  test('a trap host advertised fast but really 1.5 Mbps is reported slow', async () => {
    const r = await measureDownload(exec, await host(1.5), [URL], { advertisedMbps: 800, seconds: 5 });
    assert.ok(r.bestMbps! < 2);
    assert.match(r.warning!, /host downloads at 1\.3 Mbps, far below the advertised 800 Mbps/);
  });

  test('a failing URL is reported, not thrown', async () => {
    const r = await measureDownload(exec, await host(500), ['ftp://example.invalid/x'], {
      advertisedMbps: 500,
      seconds: 5,
    });
    assert.equal(r.bestMbps, null);
    assert.match(r.warning!, /speed test failed: curl exit 1/);
  });

  test('every URL is reported with its role; a slow real endpoint fails even when the neutral one is fast', async () => {
    const NEUTRAL = 'https://nbg1-speed.hetzner.com/100MB.bin';
    const GH = 'https://github.com/org/repo/archive/main.tar.gz';
    const r = await measureDownload(exec, await host(900, { 'huggingface.co': 1.4 }), [URL, GH], {
      neutral: NEUTRAL,
      advertisedMbps: 900,
      seconds: 5,
    });
    assert.deepEqual(
      r.urls.map((u) => [u.url, u.role, u.slow]),
      [
        [URL, 'artifact', true],
        [GH, 'artifact', false],
        [NEUTRAL, 'neutral', false],
      ],
    );
    assert.equal(Math.round(r.urls[0]!.mbps! * 10) / 10, 1.4);
    assert.equal(r.ok, false);
    assert.match(r.warning!, /huggingface\.co\S* downloads at 1\.4 Mbps/);
    assert.match(r.warning!, /neutral endpoint .* 765 Mbps/);
    const good = await measureDownload(exec, await host(900), [URL], {
      neutral: NEUTRAL,
      advertisedMbps: 900,
      seconds: 5,
    });
    assert.equal(good.ok, true);
    assert.equal(good.warning, null);
  });

  test('command and parsing', () => {
    assert.equal(
      speedCommand("https://h/a b'c", 10),
      `curl -o /dev/null -s -m 10 -w '%{speed_download}' 'https://h/a b'\\''c'`,
    );
    assert.equal(parseSpeed('125000.000'), 1);
    assert.equal(parseSpeed('garbage'), null);
  });

  test('profile schema: speedtest urls must be http(s); seconds default', () => {
    const base = { model: 'm', image: 'pytorch/pytorch:2.4.0-cuda12.4-cudnn9-devel', diskGb: 40 };
    const ok = profileSchema.parse({ ...base, speedtest: { urls: [URL] } });
    assert.deepEqual(ok.speedtest, { urls: [URL], seconds: 15 });
    assert.equal(profileSchema.safeParse({ ...base, speedtest: { urls: ['file:///etc/passwd'] } }).success, false);
    assert.equal(profileSchema.safeParse({ ...base, speedtest: { urls: [] } }).success, false);
    assert.equal(profileSchema.parse(base).speedtest, undefined);
  });
});
