/**
 * What a view is: a component App mounts while the view shows (its hooks run only then), that owns its keys and
 * its screen. It hands App its keys through `publish` after each render; App routes keys through them.
 */
import type { FunctionComponent, ReactNode } from 'react';
import type { Layer } from '../keymap/dispatch.js';
import type { Scope } from '../keymap/registry.js';
import type { Keymap } from '../keymap/registry.js';
import type { Instance } from '../../core/vast/types.js';
import type { FleetSnapshot } from '../../core/fleet/store.js';
import type { Message } from '../use-fleet-actions.js';
import type { Running } from '../running.js';
import type { AppProps } from '../App.js';
import type { AppStores } from './stores.js';

/** The views, by id. */
export type ViewId = 'fleet' | 'offers' | 'env' | 'cost';

/** The keys a view has now: its layers, `:` handlers by command id, and its key handlers the `:` line reaches. */
export interface ViewKeys {
  layers: Layer[];
  lineHandlers?: Record<string, (arg: string) => void>;
  handlers?: Record<string, () => void>;
}

/** An overlay drawn in the view's place (help, destroy, migrate); `full`: it also covers the view's panes. */
export interface Cover {
  node: (height: number) => ReactNode;
  full: boolean;
}

/** What every view gets from App. */
export interface ViewProps {
  app: AppProps;
  stores: AppStores;
  keymap: Keymap;
  snap: FleetSnapshot;
  now: number;
  width: number;
  /** Lines between the header and the command line (the keeper panel's included, when it shows). */
  height: number;
  /** Lines of the whole frame. */
  frameHeight: number;
  /** True while App's command line or a y/n question takes the last line. */
  lineOpen: boolean;
  /** The app's clock. */
  nowFn: () => number;
  /** The fleet rows as filtered and sorted (the header counts them too) and the selected one. */
  rows: readonly Instance[];
  selected: Instance | undefined;
  cover: Cover | null;
  /** A panel App keeps under every view (the keeper's). */
  below: ReactNode;
  say: (m: Message | null) => void;
  show: (view: ViewId) => void;
  running: Running;
  /** Handlers App and the overlays add to the fleet table's keys (stop, start, destroy, migrate, offers …). */
  fleetHandlers: Record<string, () => void>;
  publish: (keys: ViewKeys) => void;
}

/** One row of the view table. */
export interface ViewDef {
  Component: FunctionComponent<ViewProps>;
  /** Footer hint scopes while the view shows (read from the stores, so they are current in App's render). */
  hints: (stores: AppStores) => Scope[];
  /** Whether the view can open with these App props (the offer browser needs its collaborators). */
  available?: (app: AppProps) => boolean;
}
