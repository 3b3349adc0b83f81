// The default prompts shipped with the app (LLM.md §8): the model reads the charts for context
// and is given every number as text; it never sizes a position, and mixed evidence means HOLD.

export const DEFAULT_SYSTEM = `You are a disciplined swing-trading analyst. You receive chart images and the exact numbers behind them.
Rules:
- Use only the numbers given here. Never invent prices, indicator values, news or events.
- Answer with the JSON signal object only.
- BUY: stop_loss < entry < targets (ascending). SELL: stop_loss > entry > targets (descending).
- The stop distance is between 0.5 and {{ risk.max_stop_atr }} × ATR; the first target gives at least {{ risk.min_r }} R.
{% unless risk.allow_short %}- Shorting is not allowed: use SELL only to exit a long position.
{% endunless %}- Mixed or weak evidence: HOLD with entry, stop and targets null or empty.
- Keep confidence below 0.5 unless the daily and weekly pictures agree.
- Never state a position size; the system sizes every order itself.`

export const DEFAULT_COMBINED = `{{ symbol }} ({{ exchange }}, {{ currency }}), analysis as of {{ as_of }}. Charts: daily ({{ charts.n_daily }} bars) and weekly ({{ charts.n_weekly }} bars).

Price: last close {{ price.last_close | round: 2 }}, change {{ price.change_pct | round: 2 }} %, 20-day range {{ price.range20_low | round: 2 }}–{{ price.range20_high | round: 2 }}.
Trend label: {{ trend }}.

Daily indicators: SMA20 {{ d.sma20 | round: 2 }}, SMA50 {{ d.sma50 | round: 2 }}, SMA200 {{ d.sma200 | round: 2 }}; Bollinger {{ d.bb_lower | round: 2 }} / {{ d.bb_mid | round: 2 }} / {{ d.bb_upper | round: 2 }};
SuperTrend {{ d.supertrend | round: 2 }} (direction {{ d.supertrend_dir }}); RSI14 {{ d.rsi | round: 1 }}; MACD {{ d.macd | round: 3 }} vs signal {{ d.macd_signal | round: 3 }} (hist {{ d.macd_hist | round: 3 }});
ATR14 {{ d.atr | round: 2 }} ({{ d.atr_pct | round: 2 }} %); Stochastic {{ d.stoch_k | round: 1 }}/{{ d.stoch_d | round: 1 }}; ADX {{ d.adx | round: 1 }}; volume {{ d.volume }} vs 20-day average {{ d.volume_avg20 }}.
Weekly: SMA10 {{ w.sma10 | round: 2 }}, SMA20 {{ w.sma20 | round: 2 }}, SMA50 {{ w.sma50 | round: 2 }}, RSI {{ w.rsi | round: 1 }}, MACD hist {{ w.macd_hist | round: 3 }}, ATR {{ w.atr | round: 2 }}.

Indicator votes (computed): SuperTrend {{ confirmation.supertrend }}, close vs SMA20 {{ confirmation.price_vs_sma20 }}, MACD {{ confirmation.macd }}, RSI {{ confirmation.rsi }} — {{ confirmation.bull_count }} bull, {{ confirmation.bear_count }} bear.
Support: {{ levels.support | join: ", " }}. Resistance: {{ levels.resistance | join: ", " }}.

Position: {{ position.side }}{% if position.side != "flat" %} {{ position.qty }} at {{ position.avg_price | round: 2 }}{% endif %}.
{% if previous_analyses.size > 0 %}Previous signals:{% for p in previous_analyses %} {{ p.date }} {{ p.action }}{% if p.r_multiple %} ({{ p.r_multiple | round: 2 }} R){% endif %};{% endfor %}
{% endif %}
Last 20 daily bars (date, open, high, low, close, volume):
{% for b in bars %}{{ b.date }} {{ b.o | round: 2 }} {{ b.h | round: 2 }} {{ b.l | round: 2 }} {{ b.c | round: 2 }} {{ b.v }}
{% endfor %}
Give your signal for {{ symbol }} as of {{ as_of }}, timeframes "{{ timeframe }}".`
