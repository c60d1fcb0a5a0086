/** Golden-vector suites and inputs of the ldpc area (see test/vectors/suites.ts for the conventions). */
import type { VectorSuites, VectorInputs } from '../types.ts';

export const ldpcSuites: VectorSuites = {};

export const ldpcInputs: VectorInputs = {};
