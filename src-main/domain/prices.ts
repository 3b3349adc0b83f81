// Decimal-safe prices on an instrument's increment: the implementation lives in the contract so the
// renderer's order ticket uses the same arithmetic as the engine.
export * from '../contract/prices'
