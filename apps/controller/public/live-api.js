// Requests that change something (POST /runs). A controller started with MIGSIM_API_TOKEN answers them
// 401 without the token: the page then asks for it once, keeps it for this tab (sessionStorage, gone
// when the tab closes) and sends it as `Authorization: Bearer`. A token the controller refuses later
// (it was restarted with another) is forgotten and asked for again.
const TOKEN_KEY = 'migsim.apiToken';

/**
 * `askToken(reason)` resolves with the token typed in, or null when the person declined; `storage` is
 * sessionStorage in the page. Returns `send(path, init)`, which resolves with the controller's answer
 * (a 401 only when the person declined to give a token).
 */
export function createApi({ fetch, storage, askToken }) {
  return async function send(path, init = {}) {
    let token = storage.getItem(TOKEN_KEY);
    for (;;) {
      const headers = new Headers(init.headers);
      if (token !== null) headers.set('authorization', `Bearer ${token}`);
      const response = await fetch(path, { ...init, headers });
      if (response.status !== 401) return response;
      const refused = token !== null;
      if (refused) storage.removeItem(TOKEN_KEY);
      token = await askToken(refused ? 'The controller refused that token.' : 'This controller accepts changes only with its API token (MIGSIM_API_TOKEN).');
      if (token === null || token === '') return response;
      storage.setItem(TOKEN_KEY, token);
    }
  };
}

/** The page's token dialog (#token-dialog): resolves when it closes. */
export function askTokenWithDialog(dialog) {
  const input = dialog.querySelector('input');
  const reason = dialog.querySelector('.token-reason');
  return (why) =>
    new Promise((resolve) => {
      reason.textContent = why;
      input.value = '';
      dialog.returnValue = '';
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'use' ? input.value.trim() : null), { once: true });
      dialog.showModal();
      input.focus();
    });
}
