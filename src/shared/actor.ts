/** Who did something; recorded on every history row as `<kind>:<id> <name>`. */
export interface Actor {
  kind: 'user' | 'api_key' | 'system';
  id: string;
  name: string;
}

export const actorLabel = (a: Actor): string => `${a.kind}:${a.id} ${a.name}`;
export const SYSTEM_ACTOR: Actor = { kind: 'system', id: 'orderdeck', name: 'Orderdeck' };
