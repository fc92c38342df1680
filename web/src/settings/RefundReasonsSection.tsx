import { useState } from 'react';
import { fieldError } from '../payments/Dialog';
import { SettingsForm } from './SettingsBits';
import { useVersionedSettings } from './use-versioned-settings';

interface RefundReasons { reasons: string[]; version: number }
let nextKey = 1;

/** The reasons a refund may give, in the order the refund dialog lists them. */
export function RefundReasonsSection({ readOnly }: { readOnly: boolean }) {
  const settings = useVersionedSettings<RefundReasons>('/payments/refund-reasons');
  return <RefundReasonsForm key={settings.formKey} settings={settings} readOnly={readOnly} />;
}

function RefundReasonsForm({ settings, readOnly }: { settings: ReturnType<typeof useVersionedSettings<RefundReasons>>; readOnly: boolean }) {
  const [rows, setRows] = useState(() => (settings.data?.reasons ?? []).map((text) => ({ key: nextKey++, text })));
  const [empty, setEmpty] = useState(false);
  const move = (index: number, by: -1 | 1) => setRows((rs) => {
    const next = [...rs];
    const [row] = next.splice(index, 1);
    next.splice(index + by, 0, row!);
    return next;
  });
  const submit = () => {
    const reasons = rows.map((r) => r.text.trim());
    setEmpty(reasons.length === 0);
    if (reasons.length) void settings.save({ reasons });
  };
  return (
    <SettingsForm settings={settings} title="Refund reasons" readOnly={readOnly} onSubmit={submit} fields={rows.map((_, i) => `/reasons/${i}`)}
      description="Every refund gives one of these; they are kept in the order history and in the refund reports.">
      <ol className="st-reasons">
        {rows.map((r, i) => {
          const error = fieldError(settings.error, `/reasons/${i}`);
          return (
            <li key={r.key}>
              <input className="input" value={r.text} maxLength={200} aria-label={`Reason ${i + 1}`} aria-invalid={error ? true : undefined}
                onChange={(e) => setRows((rs) => rs.map((x) => (x.key === r.key ? { ...x, text: e.target.value } : x)))} />
              <button type="button" className="btn btn-ghost btn-sm" aria-label={`Move reason ${i + 1} up`} disabled={i === 0} onClick={() => move(i, -1)}>↑</button>
              <button type="button" className="btn btn-ghost btn-sm" aria-label={`Move reason ${i + 1} down`} disabled={i === rows.length - 1} onClick={() => move(i, 1)}>↓</button>
              <button type="button" className="btn btn-ghost btn-sm" aria-label={`Remove reason ${i + 1}`} onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}>Remove</button>
              {error && <span className="field-error">{error}</span>}
            </li>
          );
        })}
      </ol>
      {empty && <p className="field-error">Keep at least one reason.</p>}
      {rows.length < 100 && (
        <button type="button" className="btn btn-secondary btn-sm st-add" onClick={() => setRows((rs) => [...rs, { key: nextKey++, text: '' }])}>Add a reason</button>
      )}
    </SettingsForm>
  );
}
