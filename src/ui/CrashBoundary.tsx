/**
 * Catches render errors before Ink's own boundary would draw a stack over the screen; runTui then restores
 * the terminal and writes the stack to the crash log.
 */
import { Component, type ReactNode } from 'react';

/** Props of CrashBoundary. */
export interface CrashBoundaryProps {
  onCrash: (err: unknown) => void;
  children: ReactNode;
}

/** Renders nothing after a crash and reports it once. */
export class CrashBoundary extends Component<CrashBoundaryProps, { crashed: boolean }> {
  override state = { crashed: false };

  static getDerivedStateFromError(): { crashed: boolean } {
    return { crashed: true };
  }

  override componentDidCatch(err: unknown): void {
    // Deferred: unmounting from inside React's commit phase is not allowed.
    setImmediate(() => this.props.onCrash(err));
  }

  override render(): ReactNode {
    return this.state.crashed ? null : this.props.children;
  }
}
