/** Golden-vector suites and inputs of the amplify area (see test/vectors/suites.ts for the conventions). */
import type { VectorSuites, VectorInputs } from '../types.ts';

export const amplifySuites: VectorSuites = {};

export const amplifyInputs: VectorInputs = {};
