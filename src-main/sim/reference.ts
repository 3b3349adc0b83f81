// Reference data: liquid US stocks and ETFs with their real IBKR contract ids (conids are
// permanent at IBKR). Prices and volatilities are simulation parameters, not market data.

export interface SimInstrument {
  conid: number
  symbol: string
  name: string
  /** Listing exchange as IBKR names it. */
  exchange: string
  secType: 'STK'
  assetClass: 'STK' | 'ETF'
  currency: 'USD'
  /** Price on the simulator's epoch day. */
  basePrice: number
  /** Daily volatility (standard deviation of daily log returns). */
  dailyVol: number
  /** Average daily volume in shares. */
  avgVolume: number
  industry: string
  category: string
}

const stk = (
  conid: number,
  symbol: string,
  name: string,
  exchange: string,
  basePrice: number,
  dailyVol: number,
  avgVolume: number,
  industry: string,
  category: string,
): SimInstrument => ({
  conid,
  symbol,
  name,
  exchange,
  secType: 'STK',
  assetClass: 'STK',
  currency: 'USD',
  basePrice,
  dailyVol,
  avgVolume,
  industry,
  category,
})
const etf = (
  conid: number,
  symbol: string,
  name: string,
  exchange: string,
  basePrice: number,
  dailyVol: number,
  avgVolume: number,
): SimInstrument => ({
  ...stk(conid, symbol, name, exchange, basePrice, dailyVol, avgVolume, 'Funds', 'Equity Fund'),
  assetClass: 'ETF',
})

export const REFERENCE_INSTRUMENTS: readonly SimInstrument[] = [
  stk(265598, 'AAPL', 'APPLE INC', 'NASDAQ', 190, 0.016, 55e6, 'Computers', 'Computers'),
  stk(272093, 'MSFT', 'MICROSOFT CORP', 'NASDAQ', 410, 0.015, 22e6, 'Software', 'Software'),
  stk(3691937, 'AMZN', 'AMAZON.COM INC', 'NASDAQ', 180, 0.019, 40e6, 'Internet', 'Internet'),
  stk(4815747, 'NVDA', 'NVIDIA CORP', 'NASDAQ', 120, 0.03, 250e6, 'Semiconductors', 'Semiconductors'),
  stk(208813719, 'GOOGL', 'ALPHABET INC-CL A', 'NASDAQ', 170, 0.017, 25e6, 'Internet', 'Internet'),
  stk(208813720, 'GOOG', 'ALPHABET INC-CL C', 'NASDAQ', 171, 0.017, 20e6, 'Internet', 'Internet'),
  stk(107113386, 'META', 'META PLATFORMS INC-CLASS A', 'NASDAQ', 500, 0.022, 14e6, 'Internet', 'Internet'),
  stk(76792991, 'TSLA', 'TESLA INC', 'NASDAQ', 240, 0.035, 90e6, 'Auto Manufacturers', 'Auto-Cars/Light Trucks'),
  stk(4391, 'AMD', 'ADVANCED MICRO DEVICES', 'NASDAQ', 150, 0.03, 45e6, 'Semiconductors', 'Semiconductors'),
  stk(15124833, 'NFLX', 'NETFLIX INC', 'NASDAQ', 650, 0.022, 4e6, 'Internet', 'Internet'),
  stk(313130367, 'AVGO', 'BROADCOM INC', 'NASDAQ', 170, 0.027, 25e6, 'Semiconductors', 'Semiconductors'),
  stk(265768, 'ADBE', 'ADOBE INC', 'NASDAQ', 520, 0.02, 3e6, 'Software', 'Software'),
  stk(270662, 'INTU', 'INTUIT INC', 'NASDAQ', 630, 0.019, 1.5e6, 'Software', 'Software'),
  stk(273544, 'QCOM', 'QUALCOMM INC', 'NASDAQ', 165, 0.022, 8e6, 'Semiconductors', 'Semiconductors'),
  stk(13096, 'TXN', 'TEXAS INSTRUMENTS INC', 'NASDAQ', 195, 0.017, 6e6, 'Semiconductors', 'Semiconductors'),
  stk(110619459, 'PANW', 'PALO ALTO NETWORKS INC', 'NASDAQ', 180, 0.023, 6e6, 'Software', 'Software'),
  stk(370757467, 'CRWD', 'CROWDSTRIKE HOLDINGS INC - A', 'NASDAQ', 330, 0.028, 4e6, 'Software', 'Software'),
  stk(444857009, 'PLTR', 'PALANTIR TECHNOLOGIES INC-A', 'NASDAQ', 40, 0.035, 60e6, 'Software', 'Software'),
  stk(
    481691285,
    'COIN',
    'COINBASE GLOBAL INC -CLASS A',
    'NASDAQ',
    230,
    0.045,
    10e6,
    'Diversified Finan Serv',
    'Finance-Other Services',
  ),
  stk(
    43645865,
    'IBKR',
    'INTERACTIVE BROKERS GRO-CL A',
    'NASDAQ',
    150,
    0.02,
    1.5e6,
    'Diversified Finan Serv',
    'Finance-Invest Bnkr/Brkr',
  ),
  stk(8314, 'IBM', 'INTL BUSINESS MACHINES CORP', 'NYSE', 210, 0.014, 4e6, 'Computers', 'Computer Services'),
  stk(272800, 'ORCL', 'ORACLE CORP', 'NYSE', 160, 0.02, 9e6, 'Software', 'Software'),
  stk(29624264, 'CRM', 'SALESFORCE INC', 'NYSE', 280, 0.02, 6e6, 'Software', 'Software'),
  stk(1520593, 'JPM', 'JPMORGAN CHASE & CO', 'NYSE', 220, 0.014, 9e6, 'Banks', 'Money Center Banks'),
  stk(4627828, 'GS', 'GOLDMAN SACHS GROUP INC', 'NYSE', 500, 0.017, 2.5e6, 'Banks', 'Finance-Invest Bnkr/Brkr'),
  stk(
    49462172,
    'V',
    'VISA INC-CLASS A SHARES',
    'NYSE',
    280,
    0.012,
    7e6,
    'Diversified Finan Serv',
    'Finance-Credit Card',
  ),
  stk(8719, 'JNJ', 'JOHNSON & JOHNSON', 'NYSE', 155, 0.01, 7e6, 'Pharmaceuticals', 'Medical-Drugs'),
  stk(9160, 'LLY', 'ELI LILLY & CO', 'NYSE', 800, 0.02, 3e6, 'Pharmaceuticals', 'Medical-Drugs'),
  stk(13272, 'UNH', 'UNITEDHEALTH GROUP INC', 'NYSE', 520, 0.016, 3.5e6, 'Healthcare-Services', 'Medical-HMO'),
  stk(5437, 'CAT', 'CATERPILLAR INC', 'NYSE', 360, 0.017, 3e6, 'Machinery-Constr&Mining', 'Machinery-Constr&Mining'),
  stk(6223250, 'TSM', 'TAIWAN SEMICONDUCTOR-SP ADR', 'NYSE', 170, 0.024, 15e6, 'Semiconductors', 'Semiconductors'),
  stk(346218218, 'DELL', 'DELL TECHNOLOGIES -C', 'NYSE', 120, 0.028, 8e6, 'Computers', 'Computers'),
  stk(740948854, 'ANET', 'ARISTA NETWORKS INC', 'NYSE', 90, 0.028, 9e6, 'Telecommunications', 'Networking Products'),
  // A sub-dollar stock: IBKR's increment below one dollar is 0.0001 (conid is the simulator's own).
  stk(593470216, 'SNDL', 'SNDL INC', 'NASDAQ', 0.45, 0.016, 45e6, 'Pharmaceuticals', 'Medical-Drugs'),
  etf(756733, 'SPY', 'SPDR S&P 500 ETF TRUST', 'ARCA', 550, 0.01, 60e6),
  etf(320227571, 'QQQ', 'INVESCO QQQ TRUST SERIES 1', 'NASDAQ', 470, 0.012, 40e6),
  etf(9579970, 'IWM', 'ISHARES RUSSELL 2000 ETF', 'ARCA', 215, 0.014, 30e6),
  etf(15547841, 'TLT', 'ISHARES 20+ YEAR TREASURY BD', 'NASDAQ', 95, 0.009, 35e6),
  etf(51529211, 'GLD', 'SPDR GOLD SHARES', 'ARCA', 220, 0.009, 8e6),
  etf(39039301, 'SLV', 'ISHARES SILVER TRUST', 'ARCA', 27, 0.018, 25e6),
  etf(229725622, 'SMH', 'VANECK SEMICONDUCTOR ETF', 'NASDAQ', 240, 0.022, 8e6),
]
