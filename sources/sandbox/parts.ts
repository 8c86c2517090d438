import type { SourceId } from '../kit/errors.js';
import { REGISTERED_MODULES } from '../modules.js';
import type { SandboxPart } from './part.js';

/**
 * The sandbox's vendors: one part per registered module, each from the module's own `sandbox/part.ts` (ADR 022).
 * Loaded once, when the sandbox is first imported; nothing here names a vendor.
 */
export const SANDBOX_PARTS: readonly SandboxPart[] = await Promise.all(REGISTERED_MODULES.map((m) => m.sandbox()));

for (const [i, m] of REGISTERED_MODULES.entries()) {
  if (SANDBOX_PARTS[i]!.id !== m.id) throw new Error(`the sandbox part of module ${m.id} says it is ${SANDBOX_PARTS[i]!.id}`);
}

/** The part imitating this source's vendor. */
export function sandboxPart(source: SourceId): SandboxPart {
  const part = SANDBOX_PARTS.find((p) => p.id === source);
  if (!part) throw new Error(`no sandbox part for ${source}`);
  return part;
}
