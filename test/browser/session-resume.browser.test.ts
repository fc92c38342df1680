import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInBrowser, PASSWORD, signIn, startBrowserEnv, type BrowserEnv } from './harness.js';

/*
 * A session that ends under a page (expired, or signed out in another tab) must not cost what was typed:
 * a sign-in dialog opens over the page, which stays mounted, and the request that met the 401 is sent
 * again once the user has signed in. And a signed-out page load is no console error.
 */

describeInBrowser('a session ending under a page', (dialect) => {
  let env: BrowserEnv;
  beforeAll(async () => { env = await startBrowserEnv({ orders: 30, dialect }); });
  afterAll(async () => { await env?.close(); });

  const endSessionsOf = async (email: string) => {
    const { id } = await env.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow();
    await env.db.deleteFrom('sessions').where('user_id', '=', id).execute();
  };

  it('keeps the typed note and the address being edited, and adds the note once the user signs in again', async () => {
    const email = await env.user('manager');
    const { order_number: orderId } = await env.db.selectFrom('orders').select('order_number')
      .where('stage', '=', 'shipping_department').orderBy('id').executeTakeFirstOrThrow();
    const page = await env.newPage();
    page.setDefaultTimeout(20_000);
    try {
      await signIn(page, env.baseUrl, email);
      await page.goto(`${env.baseUrl}/orders/${orderId}`);
      const note = page.getByLabel('New note');
      await note.fill('Customer asked to leave the parcel with the neighbour');
      await page.getByRole('button', { name: 'Edit billing address' }).click();
      const address = page.getByRole('form', { name: 'Edit billing address' });
      await address.getByLabel('Address line 1').fill('221B Baker Street');

      await endSessionsOf(email); // as signing out in another tab does
      await page.getByRole('button', { name: 'Add note' }).click();

      const dialog = page.getByRole('dialog', { name: 'Sign in to continue' });
      await dialog.getByText('Your session has expired — sign in again').waitFor();
      expect(await page.getByRole('heading', { name: 'Sign in to the back office' }).count(), 'no sign-in page in place of the order').toBe(0);
      expect(await note.inputValue()).toBe('Customer asked to leave the parcel with the neighbour');
      expect(await address.getByLabel('Address line 1').inputValue()).toBe('221B Baker Street');

      // A wrong password is explained in the dialog, which stays.
      await dialog.getByLabel('Password').fill('not the password');
      await dialog.getByRole('button', { name: 'Sign in' }).click();
      await dialog.getByRole('alert').filter({ hasText: 'Email or password is wrong' }).waitFor();
      await dialog.getByLabel('Password').fill(PASSWORD);
      await dialog.getByRole('button', { name: 'Sign in' }).click();
      await dialog.waitFor({ state: 'detached' });

      // The note request was sent again: the note is on the order, the form cleared for the next one.
      const notes = page.getByRole('region', { name: /^Merchant notes/ });
      await notes.getByText('Customer asked to leave the parcel with the neighbour').waitFor();
      // The form is cleared once the answer is in, a render after the note shows: wait for it, not a frame.
      await expect.poll(() => note.inputValue()).toBe('');
      const stored = await env.db.selectFrom('order_notes').innerJoin('orders', 'orders.id', 'order_notes.order_id')
        .select('order_notes.body').where('orders.order_number', '=', orderId).execute();
      expect(stored.map((n) => n.body)).toContain('Customer asked to leave the parcel with the neighbour');

      // The address edit is still open with its change, and saves.
      expect(await address.getByLabel('Address line 1').inputValue()).toBe('221B Baker Street');
      await address.getByRole('button', { name: 'Save address' }).click();
      await address.waitFor({ state: 'detached' });
      const row = await env.db.selectFrom('orders').select('billing_json').where('order_number', '=', orderId).executeTakeFirstOrThrow();
      expect(JSON.parse(row.billing_json).line1).toBe('221B Baker Street');
    } finally {
      await page.close();
    }
  }, 60_000);

  it('opens the sign-in page of a browser that is not signed in without a failed request in the console', async () => {
    const page = await env.newPage();
    const errors: string[] = [];
    page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
    try {
      await page.goto(env.baseUrl);
      await page.getByRole('heading', { name: 'Sign in to the back office' }).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Sign in to the back office' }).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
