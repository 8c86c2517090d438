/** The people who sign in to the demo, one per role. The account manager owns accounts in the sandbox's CRM. */
export const DEMO_USERS = [
  { id: 'demo-support', role: 'support', name: 'Riley Chen', email: 'riley.chen@panorama-demo.example', title: 'Support agent' },
  { id: 'demo-account-manager', role: 'account_manager', name: 'Alex Morgan', email: 'alex.morgan@panorama-demo.example', title: 'Account manager' },
  { id: 'demo-finance', role: 'finance', name: 'Dana Kowalski', email: 'dana.kowalski@panorama-demo.example', title: 'Finance controller' },
  { id: 'demo-admin', role: 'admin', name: 'Morgan Blake', email: 'morgan.blake@panorama-demo.example', title: 'Operations admin' },
] as const;

export type DemoUser = (typeof DEMO_USERS)[number];
