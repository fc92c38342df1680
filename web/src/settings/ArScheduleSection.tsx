import { useState } from 'react';
import { readMoney } from '../app/format';
import { minorToMajorText } from '../orders/search-state';
import { fieldError } from '../payments/Dialog';
import { SettingsForm } from './SettingsBits';
import { useVersionedSettings } from './use-versioned-settings';

interface ScheduleDay { day: number; action: 'charge' | 'reject'; couponAmount?: number; couponCurrency?: string; couponPercent?: number }
interface ArSchedule { enabled: boolean; days: ScheduleDay[]; rejectAtEnd: boolean; version: number }
interface DayDraft { key: number; day: string; action: 'charge' | 'reject'; coupon: 'none' | 'amount' | 'percent'; value: string; currency: string }

const DAYS = [1, 2, 3, 4, 5, 6, 7];
/** An amount coupon is in one currency (orders in others are charged in full that day); this is the first guess. */
const DEFAULT_COUPON_CURRENCY = 'USD';
let nextKey = 1;

const draftOf = (d: ScheduleDay): DayDraft => ({
  key: nextKey++, day: String(d.day), action: d.action,
  coupon: d.couponAmount ? 'amount' : d.couponPercent ? 'percent' : 'none',
  value: d.couponAmount ? minorToMajorText(d.couponAmount, d.couponCurrency ?? DEFAULT_COUPON_CURRENCY) : d.couponPercent ? String(d.couponPercent) : '',
  currency: d.couponCurrency ?? DEFAULT_COUPON_CURRENCY,
});

/** Turns the rows into the API's days, or the problems per row (keyed like the API's `/days/<i>/…`). */
function daysOf(rows: DayDraft[]): { days: ScheduleDay[]; problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  const days = rows.map((r, i) => {
    const day: ScheduleDay = { day: Number(r.day), action: r.action };
    if (r.action === 'charge' && r.coupon === 'amount') {
      const currency = r.currency.trim().toUpperCase();
      const read = /^[A-Z]{3}$/.test(currency) ? readMoney(r.value, currency) : null;
      if (!read || ('problem' in read && read.problem.startsWith('Not a currency'))) problems[`/days/${i}/couponCurrency`] = 'A currency code such as USD';
      else if ('problem' in read) problems[`/days/${i}/couponAmount`] = read.problem;
      else if (read.minor <= 0) problems[`/days/${i}/couponAmount`] = 'An amount above zero';
      else Object.assign(day, { couponAmount: read.minor, couponCurrency: currency });
    }
    if (r.action === 'charge' && r.coupon === 'percent') {
      const percent = Number(r.value);
      if (!Number.isInteger(percent) || percent < 1 || percent > 99) problems[`/days/${i}/couponPercent`] = 'A whole percent, 1–99';
      else day.couponPercent = percent;
    }
    return day;
  });
  return { days, problems };
}

/** What the A/R desk does, unattended, on each day an order waits for its money. */
export function ArScheduleSection({ readOnly }: { readOnly: boolean }) {
  const settings = useVersionedSettings<ArSchedule>('/payments/ar-schedule');
  return <ArScheduleForm key={settings.formKey} settings={settings} readOnly={readOnly} />;
}

function ArScheduleForm({ settings, readOnly }: { settings: ReturnType<typeof useVersionedSettings<ArSchedule>>; readOnly: boolean }) {
  const [enabled, setEnabled] = useState(settings.data?.enabled ?? true);
  const [rejectAtEnd, setRejectAtEnd] = useState(settings.data?.rejectAtEnd ?? true);
  const [rows, setRows] = useState<DayDraft[]>(() => (settings.data?.days ?? []).map(draftOf));
  const [problems, setProblems] = useState<Record<string, string>>({});
  const change = (key: number, patch: Partial<DayDraft>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const used = new Set(rows.map((r) => r.day));
  const problem = (path: string) => problems[path] ?? fieldError(settings.error, path);

  const submit = () => {
    const sorted = [...rows].sort((a, b) => Number(a.day) - Number(b.day));
    setRows(sorted);
    const { days, problems: found } = daysOf(sorted);
    setProblems(found);
    if (Object.keys(found).length === 0) void settings.save({ enabled, rejectAtEnd, days });
  };

  const rowFields = rows.flatMap((_, i) => ['day', 'action', 'couponAmount', 'couponCurrency', 'couponPercent'].map((f) => `/days/${i}/${f}`));
  return (
    <SettingsForm settings={settings} title="A/R retry schedule" readOnly={readOnly} onSubmit={submit} fields={['/days', ...rowFields]}
      description="Day N is N whole days after the order entered Accounts Receivable. Charges retry the card on file; a reject ends the wait.">
      <label className="checkbox st-line"><input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Run the schedule</label>
      <div className="st-days-wrap">
        <table className="table table-compact st-days" aria-label="Schedule days">
          <thead><tr><th scope="col">Day</th><th scope="col">Action</th><th scope="col">Coupon</th><th scope="col"><span className="visually-hidden">Remove</span></th></tr></thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={r.key}>
                <td>
                  <select className="select" aria-label={`Day of row ${i + 1}`} value={r.day} onChange={(e) => change(r.key, { day: e.target.value })}>
                    {DAYS.map((d) => <option key={d} value={d} disabled={d !== Number(r.day) && used.has(String(d))}>Day {d}</option>)}
                  </select>
                  {problem(`/days/${i}/day`) && <span className="field-error">{problem(`/days/${i}/day`)}</span>}
                </td>
                <td>
                  <select className="select" aria-label={`Action on day ${r.day}`} value={r.action} onChange={(e) => change(r.key, { action: e.target.value as DayDraft['action'] })}>
                    <option value="charge">Retry the charge</option>
                    <option value="reject">Reject the order</option>
                  </select>
                </td>
                <td>
                  {r.action === 'charge' ? (
                    <div className="st-coupon">
                      <select className="select" aria-label={`Coupon on day ${r.day}`} value={r.coupon} onChange={(e) => change(r.key, { coupon: e.target.value as DayDraft['coupon'] })}>
                        <option value="none">No coupon</option>
                        <option value="percent">Percent off</option>
                        <option value="amount">Amount off</option>
                      </select>
                      {r.coupon !== 'none' && (
                        <input className="input" inputMode="decimal" aria-label={`Coupon ${r.coupon === 'percent' ? 'percent' : 'amount'} on day ${r.day}`}
                          value={r.value} onChange={(e) => change(r.key, { value: e.target.value })}
                          aria-invalid={problem(`/days/${i}/coupon${r.coupon === 'percent' ? 'Percent' : 'Amount'}`) ? true : undefined} />
                      )}
                      {r.coupon === 'amount' && (
                        <input className="input st-currency" maxLength={3} aria-label={`Coupon currency on day ${r.day}`} value={r.currency}
                          onChange={(e) => change(r.key, { currency: e.target.value.toUpperCase() })}
                          aria-invalid={problem(`/days/${i}/couponCurrency`) ? true : undefined} />
                      )}
                    </div>
                  ) : <span className="muted">—</span>}
                  {(['couponAmount', 'couponCurrency', 'couponPercent'] as const).map((f) => problem(`/days/${i}/${f}`) && <span key={f} className="field-error">{problem(`/days/${i}/${f}`)}</span>)}
                </td>
                <td><button type="button" className="btn btn-ghost btn-sm" aria-label={`Remove day ${r.day}`} onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}>Remove</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length === 0 && <p className="muted">No days: orders wait in Accounts Receivable until someone acts.</p>}
      {rows.length < DAYS.length && (
        <button type="button" className="btn btn-secondary btn-sm st-add"
          onClick={() => setRows((rs) => [...rs, { key: nextKey++, day: String(DAYS.find((d) => !used.has(String(d)))), action: 'charge', coupon: 'none', value: '', currency: DEFAULT_COUPON_CURRENCY }])}>
          Add a day
        </button>
      )}
      {fieldError(settings.error, '/days') && <p className="field-error">{fieldError(settings.error, '/days')}</p>}
      <label className="checkbox st-line">
        <input type="checkbox" checked={rejectAtEnd} onChange={(e) => setRejectAtEnd(e.target.checked)} /> Reject the day after the last scheduled day if still unpaid
      </label>
      <p className="muted st-line">A coupon lowers the amount due for that day’s charge only. An amount coupon applies to orders in its currency; a percent coupon to every order.</p>
    </SettingsForm>
  );
}
