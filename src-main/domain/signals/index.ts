export { extractJson, type Extracted } from './extract'
export { normaliseDraft } from './normalise'
export { computeSize, type SizingInput, type SizingResult } from './sizing'
export { validateSignal, type SignalNumbers, type SignalVerdict, type ValidationContext } from './validate'
