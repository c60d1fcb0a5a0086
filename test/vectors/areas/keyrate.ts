/** Golden-vector suites and inputs of the keyrate area (see test/vectors/suites.ts for the conventions). */
import type { VectorSuites, VectorInputs } from '../types.ts';

export const keyrateSuites: VectorSuites = {};

export const keyrateInputs: VectorInputs = {};
