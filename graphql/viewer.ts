import type { Role } from './policy.js';

/** The signed-in person, as the server session knows them. */
export type Viewer = { id: string; name: string; email: string; role: Role };
