// Channels of the host window's hub pipe, Electron only. They mirror the constants of the preload
// (electron/preload/preload.ts, which may import nothing from here); a unit test keeps them equal.
import { DESKTOP_EVENT_CHANNELS } from '../../protocol/desktop-api';

/** IPC channel on which a page asks for a new MessagePort to its notebook's hub. */
export const OPEN_HUB_PORT_CHANNEL = 'pairbook:open-hub-port';
/** IPC channel on which main sends that port to the page's preload. */
export const HUB_PORT_CHANNEL = 'pairbook:hub-port';
/**
 * IPC channel of validated `pairbook://join` links sent to a window (a JoinLink): the page's
 * `join-link` desktop event, whose Join dialog asks the person before anything connects.
 */
export const JOIN_LINK_CHANNEL = DESKTOP_EVENT_CHANNELS['join-link'];
