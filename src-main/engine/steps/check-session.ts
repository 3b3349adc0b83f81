import { GATEWAY_STATE_LABEL, type GatewayStatus } from '../../contract/models'
import { StepFailure } from './types'

// Step 1, check_session: the gateway must be logged in with an account selected.

export function checkSessionInput(status: GatewayStatus): { gateway: string } {
  return { gateway: status.url }
}

/** What the step records (`CheckSessionOutput`; `paper` is null while the gateway has not said). */
export interface SessionState {
  state: GatewayStatus['state']
  account: string
  paper: boolean | null
  url: string
}

export function checkSession(s: GatewayStatus): SessionState {
  if (s.state !== 'authenticated')
    throw new StepFailure(
      `The gateway is ${GATEWAY_STATE_LABEL[s.state].toLowerCase()}: log in on the Connection page, then run again.`,
      { state: s.state },
    )
  if (!s.account) throw new StepFailure('No account is selected: pick one on the Connection page.', { state: s.state })
  return { state: s.state, account: s.account, paper: s.paper, url: s.url }
}
