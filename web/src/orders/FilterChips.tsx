import { formatInstant, formatMoney } from '../app/format';
import { countryLabel } from './countries';
import { DEFAULT_CURRENCY } from './filter-draft';
import { paymentMethodLabel, paymentStatusLabel, stageLabel } from './labels';
import { CURRENCY_PARAM, FILTER_KEYS, listValues } from './search-state';

const LABEL: Record<string, string> = {
  q: 'Text', orderId: 'Order id', email: 'Email', name: 'Name', company: 'Company', phone: 'Phone', postalCode: 'Postal code',
  country: 'Country', sku: 'SKU', tag: 'Tag', stage: 'Stage', paymentMethod: 'Payment method', paymentStatus: 'Payment',
  createdFrom: 'Created from', createdTo: 'Created to', paidFrom: 'Paid from', paidTo: 'Paid to', shippedFrom: 'Shipped from',
  shippedTo: 'Shipped to', totalMin: 'Total ≥', totalMax: 'Total ≤',
  ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`custom${i + 1}`, `Custom ${i + 1}`])),
};

function display(key: string, params: URLSearchParams): string {
  const value = params.get(key) ?? '';
  switch (key) {
    case 'stage': return listValues(params, key).map(stageLabel).join(', ');
    case 'paymentMethod': return listValues(params, key).map(paymentMethodLabel).join(', ');
    case 'paymentStatus': return listValues(params, key).map(paymentStatusLabel).join(', ');
    case 'country': return countryLabel(value.toUpperCase());
    case 'totalMin': case 'totalMax': return formatMoney(Number(value), params.get(CURRENCY_PARAM) ?? DEFAULT_CURRENCY);
    default: return key.endsWith('From') || key.endsWith('To') ? formatInstant(value, { dateStyle: 'medium' }) : value;
  }
}

/** The filters in force, each removable on its own; a queue's own stage restriction is not one of them. */
export function FilterChips({ params, onRemove, hidden = [] }: { params: URLSearchParams; onRemove: (key: string) => void; hidden?: string[] }) {
  const active = FILTER_KEYS.filter((k) => params.has(k) && !hidden.includes(k));
  if (!active.length) return null;
  return (
    <ul className="od-chips" aria-label="Filters in force">
      {active.map((key) => (
        <li key={key} className="od-chip">
          <span>{LABEL[key] ?? key}: <strong>{display(key, params)}</strong></span>
          <button type="button" aria-label={`Remove filter ${LABEL[key] ?? key}`} onClick={() => onRemove(key)}>×</button>
        </li>
      ))}
    </ul>
  );
}
