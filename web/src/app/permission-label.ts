import { LIFE_CYCLE } from './departments';

/**
 * A permission as a sentence can name it, for people who do not hold it: `shipping:act` → "the Shipping
 * department’s act permission". A permission of no department keeps its name.
 */
export function permissionLabel(permission: string): string {
  const [area, action] = permission.split(':');
  const department = action ? LIFE_CYCLE.find((d) => d.permission === `${area}:view`) : undefined;
  return department ? `the ${department.label} department’s ${action} permission` : `the ${permission} permission`;
}
