/** The webhook key Panorama and its built-in sandbox share, so the sandbox can sign Xero's deliveries. Demo value only. */
export const XERO_SANDBOX_WEBHOOK_KEY = 'sandbox-xero-webhook-key';
