/*
 * Settings: defaults merged with the site's `config` from MediaWiki:Gadget-wikitours-tours.json.
 */
( function ( wt ) {
	'use strict';
	var defaults = {
			// Where anonymous funnel events go (contracts §6); null sends nothing.
			eventUrl: null,
			// How long to wait for a step's element before saying it is missing.
			waitMs: 6000,
			// Below this viewport width the popover becomes a full-width sheet (phones).
			narrowWidth: 640
		},
		current = wt.assign( {}, defaults );

	wt.config = {
		defaults: defaults,
		configure: function ( site ) {
			current = wt.assign( {}, defaults );
			if ( site && typeof site === 'object' ) {
				if ( typeof site.eventUrl === 'string' && /^(https?:)?\/\//.test( site.eventUrl ) ) {
					current.eventUrl = site.eventUrl;
				}
				if ( typeof site.waitMs === 'number' && site.waitMs >= 0 && site.waitMs <= 60000 ) {
					current.waitMs = site.waitMs;
				}
			}
		},
		get: function ( key ) {
			return current[ key ];
		}
	};
}( mw.libs.wikitours ) );
