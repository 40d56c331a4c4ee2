// One click records the score: the page a score link opened reports that score (kept provisional by the server),
// says so, and confirms it at the first real gesture on the page (pointer, key, touch, wheel). No script, no score.
(function () {
  'use strict';
  var form = document.querySelector('form[data-one-click]');
  if (!form) {
    return;
  }
  var saved = document.getElementById('saved');
  var label = document.getElementById('comment-label');
  var reported = form.getAttribute('data-score');

  function category(score) {
    return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
  }

  function chosen() {
    var checked = form.querySelector('input[name="score"]:checked');
    return checked ? checked.value : null;
  }

  form.addEventListener('change', function () {
    var score = chosen();
    if (score !== null) {
      label.textContent = form.getAttribute('data-' + category(Number(score)));
      // another score than the one saved: the form's button saves it
      saved.hidden = score !== reported || form.getAttribute('data-state') !== 'provisional'
          && form.getAttribute('data-state') !== 'confirmed';
    }
  });

  function post(action) {
    var body = new URLSearchParams();
    body.set('csrf', form.elements.csrf.value);
    body.set('score', reported);
    body.set('click', form.getAttribute('data-click'));
    body.set('action', action);
    return fetch(form.getAttribute('data-one-click'), {
      method: 'POST', body: body, credentials: 'same-origin', cache: 'no-store', redirect: 'error'
    }).then(function (answer) {
      return answer.ok ? answer.json() : { state: 'refused' };
    }, function () {
      return { state: 'failed' };
    });
  }

  var gestures = ['pointerdown', 'keydown', 'touchstart', 'wheel'];

  function gesture(event) {
    if (!event.isTrusted) {
      return;
    }
    gestures.forEach(function (name) {
      window.removeEventListener(name, gesture, true);
    });
    post('confirm').then(function (answer) {
      form.setAttribute('data-state', answer.state);
    });
  }

  post('report').then(function (answer) {
    form.setAttribute('data-state', answer.state);
    if (answer.state !== 'provisional') {
      return;
    }
    if (chosen() === reported) {
      saved.hidden = false;
    }
    gestures.forEach(function (name) {
      window.addEventListener(name, gesture, { capture: true, passive: true });
    });
  });
}());
