/* The translation form, only on Project:Wikitours/i18n/<lang>.json (view, edit, preview). */
( function () {
	'use strict';
	if ( mw.config.get( 'wgNamespaceNumber' ) === 4 &&
		/^Wikitours\/i18n\/[a-z][a-z0-9-]*\.json$/.test( mw.config.get( 'wgTitle' ) ) &&
		/^(view|edit|submit)$/.test( mw.config.get( 'wgAction' ) )
	) {
		mw.loader.load( 'ext.gadget.wikitours-translate' );
	}
}() );
