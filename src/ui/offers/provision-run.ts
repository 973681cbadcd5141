/**
 * The provision flow of the offer browser, outside React: ask (refusals, the plan to confirm) and run core's
 * provision() with progress in the browser's status line, the boot countdown, `x` to stop waiting, the post-boot
 * host check or speed test, and the profile's validation window. It reports into the model, so it goes on when
 * the view is left; the running-operations list makes quitting ask first.
 */
import type { Offer } from '../../core/vast/types.js';
import type { CheckResult } from '../../core/checks/types.js';
import { provision } from '../../core/ops/provision.js';
import { formatMbps } from '../../core/ops/speedtest.js';
import { waitValidation } from '../../core/watch/validate.js';
import { ApiLogHealth } from '../../core/watch/api-health.js';
import { compileProgressCounter } from '../../core/logs/progress.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import { formatRate } from '../../core/present/money.js';
import { eventLine, planProvision, provisionRefusal, type ProvisionPlan } from './provision-flow.js';
import type { OffersModel } from './model.js';

/** P on an offer: refuses, asks for a profile, or shows the plan to confirm. */
export function askProvision(m: OffersModel, selected: Offer | undefined, check: CheckResult | undefined): void {
  if (!selected || !m.canProvision) return;
  if (m.stop) return m.say('a provision is already running', 'error');
  const profile = m.state.get().profile;
  if (!profile) {
    void m
      .chooseProfile('')
      .then(() => m.say(`choose a profile first (:profile NAME). ${m.state.get().status?.text ?? ''}`, 'error'));
    return;
  }
  const refusal = provisionRefusal(profile.name, selected, check, profile.profile);
  if (refusal) return m.say(refusal, 'error');
  try {
    m.state.set({ plan: planProvision(profile.profile, profile.name, selected, check) });
  } catch (err) {
    m.say(sanitizeLine((err as Error).message), 'error');
  }
}

/** `x` while a rental boots: stop waiting (it stays rented). */
export function stopWaiting(m: OffersModel): void {
  const ctl = m.stop;
  if (!ctl || ctl.signal.aborted) return;
  ctl.abort('stopped with x');
  m.say('stopping the wait…', 'info');
}

/** Runs a confirmed plan to its end. */
export async function runProvision(m: OffersModel, pl: ProvisionPlan): Promise<void> {
  const d = m.deps;
  const set = m.state.set;
  let release!: () => void;
  const ended = new Promise<void>((r) => (release = r));
  const stop = new AbortController();
  m.stop = stop;
  const end = m.running.add({
    what: 'a rental is in progress',
    onQuit: 'the exit stops waiting for its boot (it stays rented); it is journaled',
    stop: () => (stop.abort('the app closed'), ended),
  });
  const timeoutMs = d.stuckAfterMs * 2;
  set({ working: true });
  const st = pl.profile.speedtest;
  let warned = false;
  try {
    const result = await provision(
      { api: d.api, journal: d.journal, sleep: d.sleep, now: d.now },
      {
        profile: pl.profile,
        profileName: pl.profileName,
        candidates: [pl.offer],
        price: pl.price,
        boot: { pollMs: d.bootPollMs, stuckAfterMs: d.stuckAfterMs, timeoutMs, signal: stop.signal },
        postBoot: d.hostCheck
          ? (inst, offer) => {
              m.say(
                `instance ${inst.id} running; checking the host against the offer (GPU, disk, ` +
                  `CUDA${st ? ', download speed' : ''})…`,
                'info',
              );
              return d.hostCheck!(inst, offer, pl.profile);
            }
          : undefined,
        blacklist: d.blacklist,
        speedtest:
          st && d.speedtest && !d.hostCheck
            ? (inst, offer) => {
                m.say(`instance ${inst.id} running; measuring its download speed…`, 'info');
                return d.speedtest!(inst, st.urls, st.seconds, offer.inetDownMbps);
              }
            : undefined,
        onEvent: (e) => {
          const line = eventLine(e);
          if (e.type === 'warning') warned = true;
          if (line)
            m.say(
              line,
              e.type === 'warning' || e.type === 'boot-failed' || e.type === 'host-mismatch' ? 'warn' : 'info',
            );
          if (e.type === 'created' || e.type === 'status') m.refreshFleet();
          if (e.type === 'created')
            set({ bootWait: { instanceId: e.instanceId, startMs: d.now(), totalMs: timeoutMs } });
          if (e.type === 'boot-failed' || e.type === 'price' || e.type === 'destroyed') set({ bootWait: null });
        },
      },
    );
    m.refreshFleet();
    const speed = result.speed ?? result.postBoot?.speed;
    if (result.outcome === 'stopped') {
      const dph = result.instance?.dphTotal ?? pl.offer.dphTotal;
      return m.say(
        `stopped waiting; instance ${result.instanceId} stays rented (${formatRate(dph)}/hr) — D destroys it ` +
          `(journal: provision closed as stopped)`,
        'warn',
      );
    }
    if (result.outcome === 'rejected') {
      return m.say(
        `the host was not what was paid for: destroyed, machine ${(result.blacklisted ?? []).join(', ')} ` +
          `blacklisted; pick another offer`,
        'warn',
      );
    }
    if (result.outcome === 'running' && speed) {
      const got = speed.bestMbps === null ? 'unknown' : formatMbps(speed.bestMbps);
      if (speed.warning) m.say(`instance ${result.instanceId} running; ${speed.warning}`, 'warn');
      else
        m.say(
          `instance ${result.instanceId} running; downloads at ${got} (advertised ` +
            `${formatMbps(pl.offer.inetDownMbps)})`,
          'info',
        );
    } else if (result.outcome === 'running' && !warned) {
      m.say(`instance ${result.instanceId} running (${sanitizeLine(result.label)})`, 'info');
    }
    // The profile's validation window: pass/fail on the status line before hours are spent on the run.
    const spec = pl.profile.validate;
    if (result.outcome === 'running' && spec && result.instanceId !== undefined) {
      const id = result.instanceId;
      const counter = pl.profile.progress && compileProgressCounter(pl.profile.progress);
      void waitValidation({
        api: d.api,
        id,
        spec,
        counter,
        everyMs: d.bootPollMs * 6,
        clock: { now: d.now, sleep: d.sleep },
        health: new ApiLogHealth(d.api, { now: d.now, counter }),
        onPoll: (v) =>
          m.say(`instance ${id} validation ${sanitizeLine(v.summary)}`, v.state === 'fail' ? 'error' : 'info'),
      }).catch((err) =>
        m.say(
          `instance ${id} validation could not run: ${sanitizeLine(String((err as Error).message ?? err))}`,
          'warn',
        ),
      );
    }
  } catch (err) {
    m.say(`provision failed: ${sanitizeLine(String((err as Error).message ?? err))}`, 'error');
  } finally {
    m.stop = null;
    set({ bootWait: null });
    release();
    end();
    set({ working: false });
    m.refreshFleet();
    void d.store.refresh();
  }
}
