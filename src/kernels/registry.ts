/**
 * The Kernels of the runtime in use, registered once by whoever wires the runtime (a topology,
 * a test entry): runtime-agnostic code such as the golden-vector suites asks here instead of
 * importing a backend. Until a host registers its kernels the reference stands in, and
 * `runtimeKernels().implementation` says so; `runtimeKernelsRegistered()` tells the two apart.
 */
import type { Kernels } from '../../hal/kernels.ts';
import { referenceKernels } from './reference.ts';

let registered: Kernels | undefined;

/** Registers the runtime's kernels (e.g. nodeKernels() on Node, xsKernels() on XS). */
export function setRuntimeKernels(kernels: Kernels): void {
  if (typeof kernels !== 'object' || kernels === null || typeof kernels.toeplitzHash !== 'function')
    throw new TypeError('"kernels" expected a Kernels object');
  registered = kernels;
}

/** The registered kernels, or the reference when none were registered. */
export function runtimeKernels(): Kernels {
  return registered ?? referenceKernels;
}

export function runtimeKernelsRegistered(): boolean {
  return registered !== undefined;
}
