/** Golden-vector suites and inputs of the qsp area (see test/vectors/suites.ts for the conventions). */
import type { VectorSuites, VectorInputs } from '../types.ts';

export const qspSuites: VectorSuites = {};

export const qspInputs: VectorInputs = {};
