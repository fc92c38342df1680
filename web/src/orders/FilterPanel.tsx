import { useEffect, useId, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { departmentOfStage, type Stage } from '../app/departments';
import { useSession } from '../app/session';
import { COUNTRY_OPTIONS } from './countries';
import { changesFromDraft, draftFromParams, TOTAL_CURRENCIES, type Draft, type DraftLists } from './filter-draft';
import { PAYMENT_METHOD_LABEL, PAYMENT_STATUS_LABEL, STAGES, stageLabel } from './labels';
import { MultiSelect } from './MultiSelect';
import { CURRENCY_PARAM, CUSTOM_FIELD_KEYS, FILTER_KEYS } from './search-state';

interface Props {
  params: URLSearchParams;
  onApply: (changes: Record<string, string | null>) => void;
  /** Stages offered in the stage filter; a queue offers only its own (and hides the filter for one stage). */
  stages?: readonly Stage[];
  compact?: boolean;
  /** A filter the server refused, e.g. { field: 'email', message: '…' }. */
  serverError?: { field: string; message: string } | null;
}

const SECONDARY = ['company', 'phone', 'postalCode', 'country', 'tag', 'paymentMethod', 'paidFrom', 'paidTo', 'shippedFrom', 'shippedTo',
  'totalMin', 'totalMax', ...CUSTOM_FIELD_KEYS];

const options = (labels: Record<string, string>) => Object.entries(labels).map(([value, label]) => ({ value, label }));

/** Every filter of GET /orders; applied on Enter or "Search", so typing never fires a request per key. */
export function FilterPanel({ params, onApply, stages: given, compact = false, serverError }: Props) {
  const { can } = useSession();
  // Only the stages this user may view: the server refuses a filter naming another (403).
  const stages = given ?? STAGES.filter((stage) => can(departmentOfStage(stage)?.permission ?? 'orders:view'));
  const initial = useMemo(() => draftFromParams(params), [params]);
  const [draft, setDraft] = useState<Draft>(initial.draft);
  const [lists, setLists] = useState<DraftLists>(initial.lists);
  const [errors, setErrors] = useState<Record<string, string>>({});
  // The URL is the truth: back/forward, a saved view or a quick search replace whatever was typed.
  useEffect(() => { setDraft(initial.draft); setLists(initial.lists); setErrors({}); }, [initial]);

  const secondaryActive = SECONDARY.filter((k) => params.has(k)).length;
  const [moreOpen, setMoreOpen] = useState(secondaryActive > 0);
  const moreId = useId();
  const countriesId = useId();

  const set = (key: string) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));
  const setList = (key: string) => (value: string[]) => setLists((l) => ({ ...l, [key]: value }));
  const errorOf = (key: string) => errors[key] ?? (serverError?.field === key ? serverError.message : undefined);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { changes, errors: found } = changesFromDraft(draft, lists);
    setErrors(found);
    if (Object.keys(found).length === 0) onApply(changes);
    else if (Object.keys(found).some((k) => SECONDARY.includes(k))) setMoreOpen(true);
  };
  const clear = () => onApply(Object.fromEntries([...FILTER_KEYS, CURRENCY_PARAM].map((k) => [k, null])));
  // A filter the server refused may sit among the hidden ones.
  useEffect(() => { if (serverError && SECONDARY.includes(serverError.field)) setMoreOpen(true); }, [serverError]);

  const text = (key: string, label: string, extra: Partial<TextFieldProps> = {}) => (
    <TextField name={key} label={label} value={draft[key] ?? ''} onChange={set(key)} error={errorOf(key)} {...extra} />
  );
  const range = (from: string, to: string, label: string) => (
    <fieldset className="od-range">
      <legend>{label}</legend>
      {text(from, 'from', { type: 'date', ariaLabel: `${label} from` })}
      {text(to, 'to', { type: 'date', ariaLabel: `${label} to` })}
    </fieldset>
  );

  return (
    <form className={`od-filters${compact ? ' od-filters-compact' : ''}`} onSubmit={submit} aria-label="Filters" noValidate>
      <div className="od-filter-row">
        <div className="od-filter-wide">
          {text('q', 'Free text', { placeholder: 'Beginnings of any words' })}
        </div>
        {text('orderId', 'Order id', { placeholder: 'OD-1004 or OD-10*5' })}
        {text('email', 'Email', { type: 'email', placeholder: 'An address, or @acme.com' })}
        {text('name', 'Name')}
        {stages.length > 1 && (
          <MultiSelect label="Stage" options={stages.map((s) => ({ value: s, label: stageLabel(s) }))}
            selected={lists.stage ?? []} onChange={setList('stage')} anyLabel={compact ? 'Both' : 'Any stage'} />
        )}
        <MultiSelect label="Payment status" options={options(PAYMENT_STATUS_LABEL)} selected={lists.paymentStatus ?? []} onChange={setList('paymentStatus')} />
        <div className="od-filter-actions">
          <button type="submit" className="btn btn-primary btn-sm">Search</button>
          <button type="button" className="btn btn-secondary btn-sm" aria-expanded={moreOpen} aria-controls={moreId}
            onClick={() => setMoreOpen((o) => !o)}>
            {moreOpen ? 'Fewer filters' : `More filters${secondaryActive > 0 ? ` (${secondaryActive})` : ''}`}
          </button>
          <button type="button" className="btn btn-ghost btn-sm" onClick={clear}>Clear</button>
        </div>
      </div>
      <div id={moreId} className="od-filter-more" hidden={!moreOpen}>
        <div className="od-filter-grid">
          {text('sku', 'SKU')}
          {text('company', 'Company')}
          {text('phone', 'Phone', { type: 'tel' })}
          {text('postalCode', 'Postal code')}
          {text('country', 'Country', { placeholder: 'Name or code', list: countriesId, autoComplete: 'off' })}
          <datalist id={countriesId}>
            {COUNTRY_OPTIONS.map((c) => <option key={c.code} value={c.label} />)}
          </datalist>
          {text('tag', 'Tag')}
          <MultiSelect label="Payment method" options={options(PAYMENT_METHOD_LABEL)} selected={lists.paymentMethod ?? []} onChange={setList('paymentMethod')} />
          {range('createdFrom', 'createdTo', 'Created')}
          {range('paidFrom', 'paidTo', 'Paid')}
          {range('shippedFrom', 'shippedTo', 'Shipped')}
          <fieldset className="od-range od-range-total">
            <legend>Total</legend>
            {text('totalMin', 'min', { inputMode: 'decimal', ariaLabel: 'Total from' })}
            {text('totalMax', 'max', { inputMode: 'decimal', ariaLabel: 'Total to' })}
            <label className="field od-field od-currency">
              <span className="field-label">in</span>
              <select className="select" value={draft[CURRENCY_PARAM]} onChange={(e) => set(CURRENCY_PARAM)(e.target.value)} aria-label="Currency of the total range">
                {TOTAL_CURRENCIES.map((c) => <option key={c}>{c}</option>)}
              </select>
            </label>
          </fieldset>
        </div>
        <h3 className="od-filter-subhead">Custom fields <span className="muted">(exact value)</span></h3>
        <div className="od-filter-grid">
          {CUSTOM_FIELD_KEYS.map((key, i) => <span key={key}>{text(key, `Custom ${i + 1}`)}</span>)}
        </div>
      </div>
    </form>
  );
}

interface TextFieldProps {
  name: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
  hint?: string | undefined;
  type?: string;
  placeholder?: string;
  maxLength?: number;
  inputMode?: 'decimal' | 'numeric' | 'text';
  ariaLabel?: string;
  /** A <datalist> of suggestions: the browser filters it as the person types. */
  list?: string;
  autoComplete?: string;
}

export function TextField({ name, label, value, onChange, error, hint, type = 'text', placeholder, maxLength, inputMode, ariaLabel, list, autoComplete }: TextFieldProps) {
  const id = useId();
  const note: ReactNode = error ? <span className="field-error" id={`${id}-e`}>{error}</span> : hint ? <span className="field-hint" id={`${id}-e`}>{hint}</span> : null;
  return (
    <div className="field od-field">
      <label className="field-label" htmlFor={id}>{label}</label>
      <input id={id} className="input" name={name} type={type} value={value} placeholder={placeholder} maxLength={maxLength} inputMode={inputMode}
        list={list} autoComplete={autoComplete}
        aria-label={ariaLabel} aria-invalid={error ? true : undefined} aria-describedby={note ? `${id}-e` : undefined}
        onChange={(e) => onChange(e.target.value)} />
      {note}
    </div>
  );
}
