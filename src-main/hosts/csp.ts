// The renderer's Content-Security-Policy lives in the contract (contract/csp.ts), below both the
// hosts that send it and the chart capture page that loads the renderer.
export * from '../contract/csp'
