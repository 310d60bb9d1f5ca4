//! Abuse resistance through the public surface, as a hostile tenant of a hosted Sesame (or
//! anyone on the Internet) would try it: inputs without bounds (`bounds`), guessing
//! passwords faster than the throttle (`guessing`), client addresses behind proxies
//! (`proxies`), `direct` delivery into private networks (`direct`), jobs that must run
//! once however many processes there are (`singletons`), owners' caps on delegates under
//! concurrent sends (`grant_caps`), and answers that tell who has an account (`oracles`).

mod bounds;
mod direct;
mod grant_caps;
mod guessing;
mod oracles;
mod proxies;
mod singletons;
