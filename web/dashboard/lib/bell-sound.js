// The bell's chime: two soft notes made with WebAudio (no sound file). Browsers
// only let a page make sound after the person did something on it, so the bell
// asks once ("enable sound", a click) and remembers the answer in this browser.
const KEY = "dzorders.bell.sound";
let context = null;

export function soundChoice() {
  const value = localStorage.getItem(KEY);
  return value === "on" || value === "off" ? value : null;
}

export function setSoundChoice(value) {
  localStorage.setItem(KEY, value);
  if (value === "on") unlock();
}

/** Create or wake the audio context; only works from a user gesture (or after one). */
export function unlock() {
  try {
    const Audio = window.AudioContext || window.webkitAudioContext;
    if (!Audio) return false;
    context = context || new Audio();
    if (context.state === "suspended") context.resume().catch(() => { /* still blocked: next gesture */ });
    return true;
  } catch {
    return false;
  }
}

// After a reload the context starts suspended: the first click or key wakes it.
let armed = false;
export function armOnFirstGesture() {
  if (armed) return;
  armed = true;
  const wake = () => { if (soundChoice() === "on") unlock(); };
  window.addEventListener("pointerdown", wake, { capture: true, passive: true });
  window.addEventListener("keydown", wake, { capture: true });
}

/** Play the chime if the person chose sound; returns true when it was scheduled. */
export function chime() {
  if (soundChoice() !== "on" || !unlock() || !context) return false;
  const start = context.currentTime + 0.02;
  // A major sixth, bright but soft: A5 then F#6, each a quick attack and a long fade.
  [[880, 0], [1479.98, 0.13]].forEach(([frequency, delay]) => {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + delay);
    gain.gain.exponentialRampToValueAtTime(0.22, start + delay + 0.015);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + delay + 0.9);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start + delay);
    oscillator.stop(start + delay + 0.95);
  });
  return true;
}
