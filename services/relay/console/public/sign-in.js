// Trades the admin token for a session cookie (HttpOnly: this page never sees it), then opens the console.
const form = document.querySelector('#sign-in');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = new FormData(form).get('token');
  const error = document.querySelector('#sign-in-error');
  let response;
  try {
    response = await fetch('/sign-in', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ token }),
    });
  } catch {
    error.textContent = 'The relay did not answer; is it running?';
    return;
  }
  if (response.ok) {
    window.location.assign('/');
    return;
  }
  const problem = await response.json().catch(() => ({}));
  error.textContent = problem.detail ?? `Refused (${response.status}).`;
});
