// The console's pages, for the tests that visit every one of them (direct loads,
// accessibility).

/** Every page of a signed-in account, with its heading. */
export const PAGES: [string, string][] = [
  ["/overview", "Overview"],
  ["/account", "Account"],
  ["/account/users", "Users"],
  ["/account/access-keys", "Access keys"],
  ["/account/security", "Security"],
  ["/activity", "Activity"],
  ["/identities", "Identities"],
  ["/shared", "Shared with me"],
  ["/send", "Send test email"],
  ["/smtp", "SMTP settings"],
  ["/messages", "Messages"],
  ["/configuration-sets", "Configuration sets"],
  ["/suppression", "Suppression list"],
  ["/reputation", "Reputation"],
  ["/statistics", "Statistics"],
  ["/quota", "Quota"],
  ["/billing", "Billing"],
  ["/mailbox", "Mailbox"],
];

/** Every page of the operator console, with its heading. */
export const OPERATOR_PAGES: [string, string][] = [
  ["/operator", "Operator console"],
  ["/operator/activity", "Operator activity"],
  ["/operator/security", "Security"],
];

/** The pages anyone may open, signed in or not. */
export const PUBLIC_PAGES: [string, string][] = [
  ["/", "Sesame"],
  ["/sign-in", "Sign in"],
  ["/sign-up", "Create an account"],
  ["/sign-in/forgot", "Reset your password"],
  ["/sign-in/two-factor", "Two-factor authentication"],
  ["/operator/sign-in", "Operator sign-in"],
];
