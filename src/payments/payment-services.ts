import type { GatewayConnection, PaymentGateway } from './gateway/gateway.js';
import type { VaultKeyring } from '../vault/vault-keys.js';

/**
 * What the payment step needs from outside the database. The gateway is looked up on each use because
 * `serve` learns it only after listening (the sandbox is told where to send notifications).
 */
export interface PaymentServices {
  /** Throws when no gateway is connected; the payment step treats that as "no answer" and tries again later. */
  gateway(): PaymentGateway;
  /** The connected gateway's name (stored on ledger rows); `sandbox` until one is connected, as `serve` connects the sandbox by default. */
  gatewayName(): string;
  /** Where the connected gateway is reached and how patiently, when it says (for the settings page). */
  gatewayConnection(): GatewayConnection | undefined;
  keys: VaultKeyring;
}

export function createPaymentServices(keys: VaultKeyring, gateway?: PaymentGateway): PaymentServices & { useGateway(g: PaymentGateway): void } {
  let current = gateway;
  return {
    keys,
    gateway() {
      if (!current) throw new Error('no payment gateway is connected yet');
      return current;
    },
    gatewayName: () => current?.name ?? 'sandbox',
    gatewayConnection: () => current?.connection,
    useGateway(g) {
      current = g;
    },
  };
}
