export { startSimGateway, type SimControl, type SimGateway, type SimGatewayOptions } from './server'
export { REFERENCE_INSTRUMENTS, type SimInstrument } from './reference'
export type { FaultSpec, JournalEntry } from './limits'
export type { PromptId } from './orders'
