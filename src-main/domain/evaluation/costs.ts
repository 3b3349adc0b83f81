// Trading costs (EVALUATION.md §2): IBKR Fixed or Tiered commissions, plus the SEC fee and FINRA's
// trading activity fee on sales, from a dated table (a rate applies from its date until the next one).

export type CommissionPlan = 'fixed' | 'tiered'

export interface FeeRate {
  from: string
  /** SEC Section 31 fee, USD per USD 1,000,000 of sale proceeds. */
  secPerMillion: number
  /** FINRA TAF per share sold, and its cap per trade. */
  finraPerShare: number
  finraMax: number
}

/**
 * SEC Section 31 fee on sales, USD per USD 1,000,000, from its effective date (the SEC applies a rate by
 * "charge date", which for most trades is the settlement date; the lab applies it by the bar's date).
 *
 * Each row's `source` starts "verified:" when both the rate and the date were read in the official text or
 * a verbatim copy of it (SEC fee rate advisory or order, FINRA/NASD notice, a newswire or law-firm copy that
 * quotes it), and "NOT VERIFIED:" otherwise, saying what is missing. Checked 2026-12-05 offline, through
 * stored copies of public pages; "third-party tables" are public code/notes that cite the SEC release named
 * but were not themselves an official text. Rates below agree with every official text that was read.
 */
export const SEC_RATES: readonly { from: string; perMillion: number; source: string }[] = [
  // TraderStatus.com's compilation of SEC advisories: "0.0000333 ... in effect prior to December 28, 2001";
  // STA (2025): the 2002 Fee Relief Act cut the rate "from $33 per million" to $15.
  { from: '2000-01-01', perMillion: 33.3, source: 'NOT VERIFIED: $33.30 from a compilation (TraderStatus.com)' },
  {
    from: '2001-12-28',
    perMillion: 15,
    source: 'NOT VERIFIED: date from TraderStatus.com compilation; $15 per STA (Fee Relief Act 2002)',
  },
  {
    from: '2002-04-01',
    perMillion: 30.1,
    source: 'NOT VERIFIED: date from TraderStatus.com; $30.10 current in 2003 per NASD Member Alert 3/3/03',
  },
  {
    from: '2003-03-22',
    perMillion: 25.2,
    source: 'verified: SEC Fee Rate Advisory #12 FY2003 (2003-02-28); NASD Member Alert 3/3/03',
  },
  {
    from: '2003-04-01',
    perMillion: 46.8,
    source: 'verified: SEC Fee Rate Advisory #12 FY2003 (2003-02-28), mid-year rate from 2003-04-01',
  },
  { from: '2004-02-22', perMillion: 39, source: 'NOT VERIFIED: rate and date only in TraderStatus.com compilation' },
  {
    from: '2004-04-01',
    perMillion: 23.4,
    source: 'NOT VERIFIED: TraderStatus.com compilation (cites SEC Fee Rate Advisory #8 FY2004)',
  },
  {
    from: '2005-01-07',
    perMillion: 32.9,
    source: 'verified: SEC Fee Rate Advisory #6 FY2005 (2004-12-09): $32.90 effective 2005-01-07',
  },
  {
    from: '2005-04-01',
    perMillion: 41.8,
    source: 'NOT VERIFIED: date from TraderStatus.com; $41.80 current per NASD Member Alert 2005-09-30',
  },
  // NASD Member Alert 2005-09-30: $41.80 → $30.70 thirty days after the FY2006 appropriation (date not given).
  {
    from: '2005-12-22',
    perMillion: 30.7,
    source: 'NOT VERIFIED: date from TraderStatus.com; $30.70 per NASD Member Alert 2005-09-30',
  },
  // SEC Fee Rate Advisory #4 FY2007 (2006-11-17): $30.70 → $15.30 thirty days after the FY2007 appropriation.
  {
    from: '2007-03-17',
    perMillion: 15.3,
    source: 'NOT VERIFIED: date from third-party tables (Rel. 34-55365); $15.30 per SEC Advisory #4 FY2007',
  },
  // SEC Fee Rate Advisory #1 FY2008 (2007-05-07): $11.00 from the later of 2007-10-01 or 30 days after the
  // FY2008 appropriation; FINRA Information Notice 3/10/08 confirms $11.00 was then current.
  {
    from: '2008-01-25',
    perMillion: 11,
    source: 'NOT VERIFIED: date from third-party tables (Rel. 34-57142); $11.00 per SEC Advisory #1 FY2008',
  },
  { from: '2008-04-01', perMillion: 5.6, source: 'verified: FINRA Information Notice 3/10/08, $11.00 → $5.60' },
  {
    from: '2009-04-10',
    perMillion: 25.7,
    source: 'verified: SEC FY2009 mid-year adjustment as reported by Traders Magazine (2009-04-15)',
  },
  {
    from: '2010-01-15',
    perMillion: 12.7,
    source: 'verified: SEC release 2009-270 (quoted by Lexology, 2009-12-17): $25.70 → $12.70',
  },
  { from: '2010-04-01', perMillion: 16.9, source: 'verified: FINRA Information Notice 3/10/10, $12.70 → $16.90' },
  {
    from: '2011-01-21',
    perMillion: 19.2,
    source: 'verified: SEC Fee Rate Advisory #5 FY2011 (2010-12-22), $16.90 → $19.20',
  },
  {
    from: '2012-02-21',
    perMillion: 18,
    source: 'NOT VERIFIED: only third-party tables (SEC Fee Rate Advisory #5 FY2012, Rel. 34-66205)',
  },
  {
    from: '2012-04-01',
    perMillion: 22.4,
    source: 'NOT VERIFIED: date from third-party tables (Rel. 34-66490); $22.40 per SEC Advisory #2 FY2013',
  },
  // The rate: FINRA Information Notice 3/3/14 ("current rate of $17.40"). The date: the FY2013 order
  // (Rel. 34-69449) treats the 2013-03-26 CR as the appropriation, and the rate takes effect 60 days later
  // (SEC Fee Rate Advisory #2 FY2013), i.e. 2013-05-25.
  {
    from: '2013-05-25',
    perMillion: 17.4,
    source: 'verified: FINRA Info Notice 3/3/14 ($17.40); date = 2013-03-26 + 60 days (SEC Rel. 34-69449)',
  },
  { from: '2014-03-18', perMillion: 22.1, source: 'verified: FINRA Information Notice 3/3/14, $17.40 → $22.10' },
  {
    from: '2015-02-14',
    perMillion: 18.4,
    source: 'NOT VERIFIED: only third-party tables (SEC Fee Rate Advisory #3 FY2015, Rel. 34-74070)',
  },
  {
    from: '2016-02-16',
    perMillion: 21.8,
    source: 'NOT VERIFIED: date from third-party tables; $21.80 current per FINRA Info Notice 3/15/16',
  },
  // The FY2017 order (FR Doc. 2017-11555) says the appropriation was signed 2017-05-05; the rate takes
  // effect 60 days later (15 U.S.C. 78ee(j)(4)(A), as quoted in the FY2026 order), i.e. 2017-07-04. SEC Fee
  // Rate Advisory #3 FY2018 (2018-04-17) confirms $23.10 through 2018-05-21.
  {
    from: '2017-07-04',
    perMillion: 23.1,
    source: 'verified: $23.10 per SEC Advisory #3 FY2018; date = 2017-05-05 + 60 days (FR Doc. 2017-11555)',
  },
  {
    from: '2018-05-22',
    perMillion: 13,
    source: 'verified: SEC Fee Rate Advisory #3 FY2018 (2018-04-17); FINRA Information Notice 5/7/18',
  },
  {
    from: '2019-04-16',
    perMillion: 20.7,
    source: 'verified: SEC Fee Rate Advisory #2 FY2019 (2019-03-12), $13.00 → $20.70',
  },
  {
    from: '2020-02-18',
    perMillion: 22.1,
    source: 'verified: FINRA Information Notice 2/3/20 (via Katten/NatLawReview), $20.70 → $22.10',
  },
  {
    from: '2021-02-25',
    perMillion: 5.1,
    source: 'verified: SEC Fee Rate Advisory #2 FY2021 (2021-01-15); FINRA Info Notice 2/16/21',
  },
  // $22.90 is confirmed by the FY2023 advisory ("$22.90 ... through February 26, 2023"); 2022-05-14 is
  // 60 days after the FY2022 appropriation of 2022-03-15 (that enactment date was not read either).
  {
    from: '2022-05-14',
    perMillion: 22.9,
    source: 'NOT VERIFIED: date from third-party tables (Rel. 34-94420); $22.90 per SEC FY2023 advisory',
  },
  {
    from: '2023-02-27',
    perMillion: 8,
    source: 'verified: SEC FY2023 advisory (2023-01-23), order Rel. 34-96724 (88 FR 5051)',
  },
  {
    from: '2024-05-22',
    perMillion: 27.8,
    source: 'verified: SEC Fee Rate Advisory #2 FY2024 (via FTF News), order Rel. 34-99973 (89 FR 29402)',
  },
  {
    from: '2025-05-14',
    perMillion: 0,
    source: 'verified: SEC advisory 2025-04-08 (Rel. 34-102779); FINRA Info Notice 4/24/25; STA',
  },
  // Release 34-104909 §III–IV: appropriation enacted 2026-02-03; "the fee rates ... shall be $20.60 per
  // $1,000,000 effective on April 4, 2026" ($0.00 until then). Read in a captured copy of the SEC's PDF
  // (sec.gov/files/rules/other/2026/34-104909.pdf); the Federal Register page only to its heading. The
  // correction 34-104909A (91 FR 24948) was not read. No FY2027 rate was found (none expected yet).
  {
    from: '2026-04-04',
    perMillion: 20.6,
    source: 'verified: SEC Rel. 34-104909 (2026-02-27; Fed. Reg. 2026-04233), effective 2026-04-04',
  },
]

/**
 * FINRA Trading Activity Fee per share sold (covered equity), and its cap per trade, from its date (trade
 * date). Same "verified:" / "NOT VERIFIED:" convention as SEC_RATES.
 */
export const FINRA_TAF: readonly { from: string; perShare: number; max: number; source: string }[] = [
  // NASD Notice to Members 05-61: the transaction-based TAF replaced NASD's former regulatory fee in 2003
  // (Rel. 47946, 2003-05-30). Its start date and 2003–2004 rates were not read, so none is charged before
  // 2004-11-01: an understatement for 2003–2004.
  { from: '2000-01-01', perShare: 0, max: 0, source: 'NOT VERIFIED: TAF start (2003) and 2003–04 rates not read' },
  // NTM 04-84: equity TAF rate and cap reduced effective 2004-11-01 (figures not in the text read); Regulatory
  // Notice 11-27: $0.000075 and $3.75 were in force until 2011-06-30, "in place for over six years".
  {
    from: '2004-11-01',
    perShare: 0.000075,
    max: 3.75,
    source: 'NOT VERIFIED: rate per Reg. Notice 11-27 (in force to 2011-06-30); date per NTM 04-84',
  },
  {
    from: '2011-07-01',
    perShare: 0.00009,
    max: 4.5,
    source: 'verified: FINRA Regulatory Notice 11-27, effective 2011-07-01',
  },
  {
    from: '2012-03-01',
    perShare: 0.000095,
    max: 4.75,
    source: 'verified: FINRA Regulatory Notice 12-06, effective 2012-03-01',
  },
  // $0.000119 / $5.95: FINRA's TAF rule-flow document and broker pages of 2021; the SEC approval order of
  // 2012-06-22 (77 FR 38690) was read only to its introduction.
  {
    from: '2012-07-01',
    perShare: 0.000119,
    max: 5.95,
    source: 'NOT VERIFIED: date from third-party tables (Reg. Notice 12-31); rate per FINRA rule flow',
  },
  // SR-FINRA-2020-032 (85 FR 66592) phased the equity TAF up in 2022, 2023 and 2024; its text was not read.
  {
    from: '2022-01-01',
    perShare: 0.00013,
    max: 6.49,
    source: 'NOT VERIFIED: rate and date from third-party tables citing SR-FINRA-2020-032',
  },
  {
    from: '2023-01-01',
    perShare: 0.000145,
    max: 7.27,
    source: 'NOT VERIFIED: date from tables (SR-FINRA-2020-032); rate per M1 help page (2023)',
  },
  {
    from: '2024-01-01',
    perShare: 0.000166,
    max: 8.3,
    source: 'NOT VERIFIED: date from tables (SR-FINRA-2020-032); rate per brokerage-review.com',
  },
  // SR-FINRA-2024-019 (Rel. 34-101696, 89 FR 93709): 2025 unchanged, 2026 $0.000195 / $9.79 per the tables
  // that cite its fee-adjustment schedule (one table puts the step on 2025-01-01 instead).
  {
    from: '2026-01-01',
    perShare: 0.000195,
    max: 9.79,
    source: 'NOT VERIFIED: third-party tables citing SR-FINRA-2024-019; filing read only to its heading',
  },
  // SR-FINRA-2026-021 (Rel. 34-106409, FR Doc. 2026-19392): TAF $0.00 for trades 2026-10-01 … 2026-12-31.
  {
    from: '2026-10-01',
    perShare: 0,
    max: 0,
    source: 'NOT VERIFIED: Q4-2026 TAF holiday (SR-FINRA-2026-021), known from third-party notes only',
  },
  // The holiday ends 2026-12-31; third-party notes disagree on what resumes ($0.000195 / $9.79 held by
  // SR-FINRA-2026-020, or $0.000232 / $11.61 from the SR-FINRA-2024-019 schedule).
  {
    from: '2027-01-01',
    perShare: 0.000195,
    max: 9.79,
    source: 'NOT VERIFIED: 2027 rate disputed (0.000195/9.79 or 0.000232/11.61); none read',
  },
]

/** Both tables merged at every date either changes (what the simulator reads). */
export const FEE_TABLE: readonly FeeRate[] = [...new Set([...SEC_RATES, ...FINRA_TAF].map((r) => r.from))]
  .sort()
  .map((from) => {
    const sec = [...SEC_RATES].reverse().find((r) => r.from <= from)!
    const taf = [...FINRA_TAF].reverse().find((r) => r.from <= from)!
    return { from, secPerMillion: sec.perMillion, finraPerShare: taf.perShare, finraMax: taf.max }
  })

export function feeRateOn(date: string, table: readonly FeeRate[] = FEE_TABLE): FeeRate {
  let rate = table[0]!
  for (const r of table) if (r.from <= date) rate = r
  return rate
}

/** IBKR commission for one order of `qty` shares at `price`. */
export function commission(plan: CommissionPlan, qty: number, price: number): number {
  const value = qty * price
  if (qty <= 0) return 0
  if (plan === 'fixed') return Math.min(Math.max(0.005 * qty, 1), 0.01 * value)
  // Tiered, first volume band: USD 0.0035/share, min 0.35, max 1 %, plus clearing USD 0.0002/share.
  return Math.min(Math.max(0.0035 * qty, 0.35), 0.01 * value) + 0.0002 * qty
}

/** Fees on one side: commission, plus SEC and FINRA fees when it is a sale. */
export function sideCost(
  plan: CommissionPlan,
  side: 'BUY' | 'SELL',
  qty: number,
  price: number,
  date: string,
  table: readonly FeeRate[] = FEE_TABLE,
): number {
  let cost = commission(plan, qty, price)
  if (side === 'SELL') {
    const r = feeRateOn(date, table)
    cost += (qty * price * r.secPerMillion) / 1e6 + Math.min(qty * r.finraPerShare, r.finraMax)
  }
  return cost
}
