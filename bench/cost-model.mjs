// Cloudflare's published prices and the cost of each operation, per million and for a reference app.

/** Prices on the Workers Paid plan (USD), as published by Cloudflare; read on `readOn`. */
export const PRICES = {
  readOn: '2026-11-26',
  sources: [
    'https://developers.cloudflare.com/workers/platform/pricing/',
    'https://developers.cloudflare.com/d1/platform/pricing/',
    'https://developers.cloudflare.com/kv/platform/pricing/',
  ],
  workersBaseUsdPerMonth: 5,
  lines: {
    requests: { label: 'Workers requests', includedPerMonth: 10e6, usdPerMillion: 0.3 },
    cpuMilliseconds: { label: 'Workers CPU ms', includedPerMonth: 30e6, usdPerMillion: 0.02 },
    d1RowsRead: { label: 'D1 rows read', includedPerMonth: 25e9, usdPerMillion: 0.001 },
    d1RowsWritten: { label: 'D1 rows written', includedPerMonth: 50e6, usdPerMillion: 1.0 },
    kvReads: { label: 'KV reads', includedPerMonth: 10e6, usdPerMillion: 0.5 },
    kvWrites: { label: 'KV writes, deletes, lists', includedPerMonth: 1e6, usdPerMillion: 5.0 },
  },
};

/** The reference app of the issue; every figure below is an assumption, stated in the report. */
export const REFERENCE_APP = {
  dailyUsers: 100_000,
  hoursOfUsePerDay: 8,
  accessTokenMinutes: 15,
  loginsPerUserPerDay: 1,
  protectedRequestsPerUserPerMinute: 1,
  daysPerMonth: 30,
  /**
   * Share of protected requests answered from an isolate's revocation cache
   * (REVOCATION_CACHE_SECONDS=10). Assumed, not measured: a single-page app
   * sends its calls in bursts (here 5 after each navigation, well inside
   * 10 s), and only the first of a burst reads KV, so 4 in 5 hit. The bench
   * measures its own ratio beside it; a production app with its requests
   * spread evenly, one a minute, would hit 0 and pay a KV read each.
   */
  revocationCacheHitRatio: 0.8,
};

/** Today's figures the targets are relative to (the bench before issue 12). */
export const BASELINE = { refreshOverFloor: 0.13 };

/** The ceilings for the reference bill. */
export const BILL_TARGETS = { totalUsd: 800, d1RowsWrittenUsd: 150 };

/**
 * Usage of one operation: one request, its CPU, and its measured storage
 * operations; `kvReadsOverride` replaces the counted KV reads (the protected
 * request's depend on the cache hit ratio, which a count of a few requests cannot show).
 */
export function usageOf(cpuMilliseconds, counts, kvReadsOverride = undefined) {
  return {
    requests: 1,
    cpuMilliseconds,
    d1RowsRead: counts.d1RowsRead,
    d1RowsWritten: counts.d1RowsWritten,
    kvReads: kvReadsOverride ?? counts.kvReads,
    kvWrites: counts.kvWrites + counts.kvDeletes + counts.kvLists,
  };
}

/** Marginal cost of one million operations past the plan's included usage, per line and in total. */
export function costPerMillion(usage) {
  const lines = Object.entries(PRICES.lines).map(([key, price]) => ({ key, label: price.label, usd: (usage[key] ?? 0) * price.usdPerMillion }));
  return { lines, totalUsd: lines.reduce((sum, line) => sum + line.usd, 0) };
}

/** Monthly volumes of the reference app. */
export function referenceVolumesPerMonth(app = REFERENCE_APP) {
  const userDays = app.dailyUsers * app.daysPerMonth;
  return {
    protected: userDays * app.hoursOfUsePerDay * 60 * app.protectedRequestsPerUserPerMinute,
    refresh: userDays * ((app.hoursOfUsePerDay * 60) / app.accessTokenMinutes),
    login: userDays * app.loginsPerUserPerDay,
  };
}

/**
 * The reference app's monthly bill: usage summed over operations, the
 * included usage subtracted per line, plus the plan's base price.
 */
export function referenceMonthlyBill(usageByOperation, app = REFERENCE_APP) {
  const volumes = referenceVolumesPerMonth(app);
  const lines = Object.entries(PRICES.lines).map(([key, price]) => {
    const used = Object.entries(volumes).reduce((sum, [operation, volume]) => sum + volume * (usageByOperation[operation][key] ?? 0), 0);
    const billable = Math.max(0, used - price.includedPerMonth);
    return { key, label: price.label, used, included: price.includedPerMonth, usd: (billable / 1e6) * price.usdPerMillion };
  });
  const totalUsd = PRICES.workersBaseUsdPerMonth + lines.reduce((sum, line) => sum + line.usd, 0);
  return { volumes, lines, totalUsd };
}
