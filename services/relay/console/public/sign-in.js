// Trades the admin token for a session cookie (HttpOnly: this page never sees it), then opens the console.
const form = document.querySelector('#sign-in');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = new FormData(form).get('token');
  const response = await fetch('/sign-in', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (response.ok) {
    window.location.assign('/');
    return;
  }
  const problem = await response.json().catch(() => ({}));
  document.querySelector('#sign-in-error').textContent = problem.detail ?? `Refused (${response.status}).`;
});
