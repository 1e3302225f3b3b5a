// empact: conveniences only. Every page works without this script.
'use strict';
document.addEventListener('DOMContentLoaded', () => {
	// Filter forms (marked data-autosubmit) submit themselves when a choice changes.
	for (const f of document.querySelectorAll('form[data-autosubmit]')) {
		for (const s of f.querySelectorAll('select')) s.addEventListener('change', () => f.submit());
	}
	// After a failed form, focus its first invalid field.
	const bad = document.querySelector('.field.invalid input, .field.invalid select, .field.invalid textarea');
	if (bad) bad.focus();
});
