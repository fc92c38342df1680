import Database from 'better-sqlite3';
import pg from 'pg';

/** The database without Orderdeck in between: the floor the API's figures are compared with. */
export interface RawDb {
  query<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export function openRawSqlite(file: string): RawDb {
  const db = new Database(file, { readonly: true });
  const cache = new Map<string, Database.Statement>();
  return {
    async query<T>(sql: string, params: unknown[]) {
      let stmt = cache.get(sql);
      if (!stmt) cache.set(sql, (stmt = db.prepare(sql)));
      return stmt.all(...params) as T[];
    },
    async close() {
      db.close();
    },
  };
}

export function openRawPostgres(url: string): RawDb {
  pg.types.setTypeParser(pg.types.builtins.INT8, Number);
  const pool = new pg.Pool({ connectionString: url, user: 'postgres', max: 1 });
  return {
    async query<T>(sql: string, params: unknown[]) {
      let i = 0;
      const text = sql.replace(/\?/g, () => `$${++i}`);
      return (await pool.query({ text, values: params, name: undefined })).rows as T[];
    },
    close: () => pool.end(),
  };
}

const LIST = 'o.id, o.order_number, o.created_at, o.stage, o.stage_entered_at, o.channel, o.currency, o.total, o.customer_email, o.customer_name, o.payment_method, o.payment_status, o.tags_json, o.is_test';

/** The statements behind the API's list pages, written by hand. */
export const RAW = {
  stagePage: `select ${LIST} from orders o where o.stage = ? order by o.created_at desc, o.id desc limit 51`,
  byEmail: `select ${LIST} from order_search_terms t join orders o on o.id = t.order_id where t.term = ? and t.kind = 'email' order by t.created_at desc, t.order_id desc limit 51`,
  stageCounts: 'select stage, sum(count) as n from stage_counts group by stage',
  countScan: 'select stage, count(*) as n from orders group by stage',
};

export interface Samples {
  emails: string[];
  lastNames: string[];
  skus: string[];
  orderPrefixes: string[];
  freeText: string[];
}

/** Real values from random orders, so every request asks for something that exists. */
export async function sampleValues(raw: RawDb, count: number): Promise<Samples> {
  const max = (await raw.query<{ max: number }>('select max(id) as max from orders', []))[0]?.max ?? 0;
  const s: Samples = { emails: [], lastNames: [], skus: [], orderPrefixes: [], freeText: [] };
  while (s.emails.length < count) {
    const id = 1 + Math.floor(Math.random() * max);
    const [o] = await raw.query<{ customer_email: string; order_number: string; billing_json: string; id: number }>(
      'select id, customer_email, order_number, billing_json from orders where id = ?', [id]);
    if (!o) continue;
    const [item] = await raw.query<{ sku: string }>('select sku from order_items where order_id = ? limit 1', [o.id]);
    const billing = JSON.parse(o.billing_json) as { lastName: string; city: string };
    s.emails.push(o.customer_email);
    s.lastNames.push(billing.lastName);
    s.skus.push(item?.sku ?? 'none');
    s.orderPrefixes.push(o.order_number.slice(0, -2));
    s.freeText.push(`${billing.lastName} ${billing.city}`);
  }
  return s;
}
