import { useId, useState } from 'react';
import { ApiError, describeError } from '../app/api';
import type { FraudSettings } from '../fraud/fraud-api';
import { ruleLabel } from '../payments/labels';
import { linesOf, SettingsForm } from './SettingsBits';
import { useVersionedSettings } from './use-versioned-settings';

type Settings = ReturnType<typeof useVersionedSettings<FraudSettings>>;
const LISTS = [
  { key: 'highRiskCountries', label: 'High-risk countries', hint: 'Two-letter country codes, one a line' },
  { key: 'freeEmailDomains', label: 'Free email domains', hint: 'One domain a line' },
  { key: 'trustedEmails', label: 'Trusted customers (never held)', hint: 'Email addresses, or @domain for a whole domain' },
  { key: 'exemptIps', label: 'Exempt IP addresses (never held)', hint: 'Addresses or CIDR ranges, e.g. your office network' },
] as const;
type ListKey = (typeof LISTS)[number]['key'];
const VELOCITY = [['ip', 'One IP address'], ['email', 'One email address'], ['card', 'One card']] as const;

/** The server's message for a field or anything under it (`/highRiskCountries` covers `/highRiskCountries/3`). */
function errorUnder(error: unknown, path: string): string | undefined {
  if (!(error instanceof ApiError) || !error.problem.field) return undefined;
  const f = error.problem.field;
  return f === path || f.startsWith(`${path}/`) ? describeError(error) : undefined;
}

/** The rules that decide which orders are held for Fraud Review, and the lists they read. */
export function FraudRulesSection({ readOnly }: { readOnly: boolean }) {
  const settings = useVersionedSettings<FraudSettings>('/fraud/settings');
  return <FraudRulesForm key={settings.formKey} settings={settings} readOnly={readOnly} />;
}

function FraudRulesForm({ settings, readOnly }: { settings: Settings; readOnly: boolean }) {
  const s = settings.data;
  const [draft, setDraft] = useState(() => (s ? structuredClone(s) : null));
  const [lists, setLists] = useState<Record<ListKey, string>>(() => ({
    highRiskCountries: s?.highRiskCountries.join('\n') ?? '', freeEmailDomains: s?.freeEmailDomains.join('\n') ?? '',
    trustedEmails: s?.exemptions.trustedEmails.join('\n') ?? '', exemptIps: s?.exemptions.exemptIps.join('\n') ?? '',
  }));
  const [bad, setBad] = useState<Record<string, string>>({});
  const id = useId();
  if (!draft) return <SettingsForm settings={settings} title="Fraud rules" readOnly onSubmit={() => {}}>{null}</SettingsForm>;

  const update = (fn: (d: FraudSettings) => void) => setDraft((d) => { const next = structuredClone(d!); fn(next); return next; });
  const num = (path: string, text: string, set: (d: FraudSettings, n: number) => void) => {
    const n = Number(text);
    setBad((b) => { const { [path]: _, ...rest } = b; return text.trim() && Number.isFinite(n) ? rest : { ...rest, [path]: 'A number' }; });
    if (text.trim() && Number.isFinite(n)) update((d) => set(d, n));
  };
  const problem = (path: string) => bad[path] ?? errorUnder(settings.error, path);

  const submit = () => {
    if (Object.keys(bad).length) return;
    const { version: _v, updatedAt: _a, updatedBy: _b, ...body } = draft;
    void settings.save({
      ...body,
      highRiskCountries: linesOf(lists.highRiskCountries).map((c) => c.toUpperCase()),
      freeEmailDomains: linesOf(lists.freeEmailDomains),
      exemptions: { trustedEmails: linesOf(lists.trustedEmails), exemptIps: linesOf(lists.exemptIps) },
    });
  };

  // Called as a function, not rendered as a component: a component made in render would remount (and lose focus) on every keystroke.
  const numberField = ({ path, label, value, set, min, max, step }: { path: string; label: string; value: number; set: (d: FraudSettings, n: number) => void; min?: number; max?: number; step?: number }) => (
    <div className="field" key={path}>
      <label className="field-label" htmlFor={`${id}${path}`}>{label}</label>
      <input id={`${id}${path}`} className="input" type="number" min={min} max={max} step={step} defaultValue={value}
        aria-invalid={problem(path) ? true : undefined} onChange={(e) => num(path, e.target.value, set)} />
      {problem(path) && <span className="field-error">{problem(path)}</span>}
    </div>
  );

  return (
    <SettingsForm settings={settings} title="Fraud rules" readOnly={readOnly} onSubmit={submit}
      fields={[settings.error instanceof ApiError ? settings.error.problem.field ?? '' : ''].filter((f) => /^\/(threshold|rules|totalOverAverage|velocity|highRiskCountries|freeEmailDomains|exemptions)/.test(f))}
      updated={{ at: s!.updatedAt, by: s!.updatedBy }}
      description="Each rule that fires adds its points; an order reaching the threshold is held for Fraud Review before any payment is taken.">
      <div className="st-threshold">
        {numberField({ path: '/threshold', label: 'Hold at (points)', value: draft.threshold, min: 1, max: 10000, set: (d, n) => { d.threshold = n; } })}
      </div>
      <table className="table table-compact st-rules" aria-label="Rules">
        <thead><tr><th scope="col">Rule</th><th scope="col">On</th><th scope="col" className="num">Points</th></tr></thead>
        <tbody>
          {Object.entries(draft.rules).map(([rule, setting]) => (
            <tr key={rule}>
              <th scope="row">{ruleLabel(rule)} <span className="mono muted st-rule-name">{rule}</span></th>
              <td><input type="checkbox" aria-label={`${ruleLabel(rule)} enabled`} checked={setting.enabled} onChange={(e) => update((d) => { d.rules[rule]!.enabled = e.target.checked; })} /></td>
              <td className="num">
                <input className="input st-weight" type="number" min={0} max={100} defaultValue={setting.weight} aria-label={`${ruleLabel(rule)} points`}
                  aria-invalid={problem(`/rules/${rule}`) ? true : undefined} onChange={(e) => num(`/rules/${rule}`, e.target.value, (d, n) => { d.rules[rule]!.weight = n; })} />
                {problem(`/rules/${rule}`) && <span className="field-error">{problem(`/rules/${rule}`)}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3 className="st-subhead">Parameters</h3>
      <div className="st-params">
        <fieldset className="st-param">
          <legend>Total far above average: fires above</legend>
          {numberField({ path: '/totalOverAverage/multiplier', label: 'Times the average', value: draft.totalOverAverage.multiplier, min: 1, max: 100, step: 0.1, set: (d, n) => { d.totalOverAverage.multiplier = n; } })}
          {numberField({ path: '/totalOverAverage/minOrders', label: 'Once it covers (orders)', value: draft.totalOverAverage.minOrders, min: 1, set: (d, n) => { d.totalOverAverage.minOrders = n; } })}
        </fieldset>
        {VELOCITY.map(([k, label]) => (
          <fieldset key={k} className="st-param">
            <legend>{label}: at most</legend>
            {numberField({ path: `/velocity/${k}/maxOrders`, label: 'Orders', value: draft.velocity[k].maxOrders, min: 1, set: (d, n) => { d.velocity[k].maxOrders = n; } })}
            {numberField({ path: `/velocity/${k}/windowMinutes`, label: 'Within (minutes)', value: draft.velocity[k].windowMinutes, min: 1, set: (d, n) => { d.velocity[k].windowMinutes = n; } })}
          </fieldset>
        ))}
      </div>
      <h3 className="st-subhead">Lists and exemptions</h3>
      <div className="st-lists">
        {LISTS.map((l) => {
          const path = l.key === 'trustedEmails' || l.key === 'exemptIps' ? `/exemptions/${l.key}` : `/${l.key}`;
          return (
            <div key={l.key} className="field">
              <label className="field-label" htmlFor={`${id}-${l.key}`}>{l.label}</label>
              <textarea id={`${id}-${l.key}`} className="textarea" rows={5} value={lists[l.key]} aria-invalid={problem(path) ? true : undefined}
                onChange={(e) => setLists((x) => ({ ...x, [l.key]: e.target.value }))} />
              <span className="field-hint">{l.hint} · {linesOf(lists[l.key]).length} entries</span>
              {problem(path) && <span className="field-error">{problem(path)}</span>}
            </div>
          );
        })}
      </div>
    </SettingsForm>
  );
}
