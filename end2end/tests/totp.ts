// An authenticator app for the browser tests: RFC 6238 codes computed here, and setting
// two-factor sign-in up on a Security page as a person does.
import { createHmac } from "node:crypto";
import { Page } from "@playwright/test";
import { expect, hydrated, PASSWORD } from "./fixtures";

/** The code an authenticator app set up with `key` (base32, as the page shows it) shows
 *  `steps` 30-second steps from now: RFC 6238 with HMAC-SHA-1 and six digits. */
export function totp(key: string, steps = 0): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bits = [...key.replace(/[\s=]/g, "").toUpperCase()]
    .map((c) => alphabet.indexOf(c).toString(2).padStart(5, "0"))
    .join("");
  const secret = Buffer.from(bits.match(/.{8}/g)!.map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + steps));
  const mac = createHmac("sha1", secret).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return ((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).toString().padStart(6, "0");
}

/** `totp(key, steps)`, but near the end of a step it waits for the next first, so the
 *  step cannot change between reading the code and Sesame checking it. */
export async function code(key: string, steps = 0): Promise<string> {
  const intoStep = Date.now() % 30_000;
  if (intoStep > 27_000) await new Promise((done) => setTimeout(done, 30_100 - intoStep));
  return totp(key, steps);
}

/** Sets up two-factor sign-in on the Security page (`path`, loaded directly) of the
 *  signed-in `page`; returns the authenticator's key and the recovery codes shown. */
export async function turnOn(page: Page, path = "/account/security") {
  await page.goto(path);
  await hydrated(page);
  await page.getByLabel("Your password").fill(PASSWORD);
  const key = await scanQrCode(page, "Set up two-factor authentication");
  // A code from another step is refused by name.
  await page.getByLabel("Code from your app").fill(await code(key, 5));
  await page.getByRole("button", { name: "Turn on", exact: true }).click();
  await expect(page.getByText("Incorrect code.")).toBeVisible();
  await page.getByLabel("Code from your app").fill(await code(key, -1));
  await page.getByRole("button", { name: "Turn on", exact: true }).click();
  const shown = page.getByTestId("recovery-codes").locator("li");
  await expect(shown).toHaveCount(10);
  const codes = await shown.allTextContents();
  await expect(page.getByTestId("recovery-codes-left")).toHaveText("10 unused recovery codes left.");
  return { key, codes };
}

/** Starts setting up an authenticator with `button`; returns the key shown with the QR code. */
export async function scanQrCode(page: Page, button: string) {
  await page.getByRole("button", { name: button }).click();
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  return (await page.getByTestId("totp-secret").textContent())!;
}

