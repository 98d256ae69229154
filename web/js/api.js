// Talking to the JSON API: the bearer token of the signed-in person, the
// error envelope turned into an ApiError, and errors put in plain words.

import {money} from './format.js';

const BASE = '/api/v1/freelance';
const KEY = 'freelance-hub.session';

export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    const err = (body && body.error) || {};
    super(err.message || `request failed with status ${status}`);
    this.status = status;
    this.code = err.code || (status === 0 ? 'network' : 'unknown');
    this.field = err.field || null;
    this.retryAfter = err.retry_after_seconds ?? retryAfter ?? null;
  }
}

// ---- the session: {token, expires_at, user} kept for this tab ----

const listeners = new Set();

export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY)) || null;
  } catch {
    return null;
  }
}

export function setSession(value) {
  if (value) sessionStorage.setItem(KEY, JSON.stringify(value));
  else sessionStorage.removeItem(KEY);
  for (const fn of listeners) fn(value);
}

export function onSession(fn) {
  listeners.add(fn);
}

export function me() {
  const s = session();
  return s ? s.user : null;
}

// ---- requests ----

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {}))
    if (v !== null && v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

// Sends one request; resolves to the parsed body, or rejects with an
// ApiError. A 401 on a request that carried a token ends the session.
export async function request(method, path, {params, body, signal} = {}) {
  const headers = {Accept: 'application/json'};
  const s = session();
  if (s) headers.Authorization = `Bearer ${s.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let resp;
  try {
    resp = await fetch(BASE + path + query(params), {
      method, headers, signal,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, null);
  }
  let data = null;
  try {
    data = await resp.json();
  } catch {
    data = null;
  }
  if (!resp.ok) {
    const retry = Number(resp.headers.get('Retry-After')) || null;
    const err = new ApiError(resp.status, data, retry);
    if (resp.status === 401 && s) {
      err.expired = true;
      setSession(null);
    }
    throw err;
  }
  return data;
}

export const get = (path, params, signal) =>
  request('GET', path, {params, signal});
export const post = (path, body) => request('POST', path, {body: body ?? {}});

// Signs in and keeps the session; resolves to the user.
export async function signIn(email, password) {
  const r = await post('/auth/login', {email, password});
  setSession({token: r.data.token, expires_at: r.data.expires_at,
              user: r.data.user});
  return r.data.user;
}

// Reads the account again (after a profile is made, say) and keeps it.
export async function refreshMe() {
  const r = await get('/auth/me');
  const s = session();
  if (s) setSession({...s, user: r.data});
  return r.data;
}

export async function signOut() {
  try {
    await post('/auth/logout');
  } catch {
    // The session is forgotten here whatever the server says.
  }
  setSession(null);
}

// ---- errors in words ----

function sentence(s) {
  if (!s) return '';
  const t = s.charAt(0).toUpperCase() + s.slice(1);
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

// What went wrong, for a person. labels maps API field names to the words
// the form shows ({bid_amount_cents: 'Your bid'}); amounts in a message
// about a *_cents field are shown as money.
export function explain(err, labels = {}) {
  if (!(err instanceof ApiError)) return 'Something went wrong on this page. Please reload it.';
  switch (err.status) {
    case 0:
      return 'We could not reach the server. Check your connection and try again.';
    case 401:
      if (err.expired) return 'Your session has ended. Please sign in again.';
      if (err.code === 'unauthorized' && /password/.test(err.message))
        return 'That email and password do not match an account.';
      return 'Please sign in to do this.';
    case 403:
      return `You are not allowed to do this. ${sentence(err.message)}`;
    case 404:
      return 'We could not find that. It may have been removed.';
    case 409:
      return `This cannot be done right now: ${err.message}.`;
    case 413:
      return 'That is too long to send. Please shorten it.';
    case 429: {
      const wait = err.retryAfter || 1;
      return `Too many requests in a short time. Please wait ${wait} ` +
             `second${wait === 1 ? '' : 's'} and try again.`;
    }
    case 400:
    case 422:
      return fieldMessage(err, labels);
    default:
      if (err.status >= 500)
        return 'The service is having trouble right now. Please try again in a moment.';
      return sentence(err.message);
  }
}

// "bid_amount_cents must be between 1 and 10000000000" becomes
// "Your bid must be between $0.01 and $100,000,000".
export function fieldMessage(err, labels = {}) {
  let msg = err.message || 'Please check what you entered.';
  const f = err.field;
  if (f) {
    const label = labels[f] || f.replace(/_cents$/, '').replace(/_/g, ' ');
    if (f.endsWith('_cents')) {
      msg = msg.replace(/\b\d{1,15}\b/g, (d) => money(Number(d)));
    }
    msg = msg.split(f).join(label);
  }
  // Other API names the message mentions ("must not be below
  // budget_min_cents"): only names with an underscore, never plain words.
  for (const [name, words] of Object.entries(labels))
    if (name !== f && name.includes('_'))
      msg = msg.replace(new RegExp(`\\b${name}\\b`, 'g'), words.toLowerCase());
  return sentence(msg);
}
