// While a training job runs, reload the page every few seconds to show its progress.
if (document.querySelector('#job[data-running="true"]')) {
  setTimeout(function () { window.location.reload(); }, 3000);
}
