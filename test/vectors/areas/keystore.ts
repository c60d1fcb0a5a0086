/** Golden-vector suites and inputs of the keystore area (see test/vectors/suites.ts for the conventions). */
import type { VectorSuites, VectorInputs } from '../types.ts';

export const keystoreSuites: VectorSuites = {};

export const keystoreInputs: VectorInputs = {};
