/* period-control.js: placeholder until the period control lands. */
