/*
 * Practice on real tasks (issue 19, contracts §14): after a tour that teaches a skill, offer
 * a few real articles that need that work; when a task's guided tour ends in a saved edit,
 * record it in the learner's progress page so the app can check it and count it.
 *
 * The articles come from one cached page the bot publishes (title( 'tasks' ), messages.js):
 * an offer costs one GET, cached an hour by browsers and the wiki's caches.
 */
( function ( wt ) {
	'use strict';
	var M = wt.texts,
		KEY = 'wikitours-active-task',
		MAX = 200,
		TYPE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
		m = /[?&#]wikitask=([a-z0-9][a-z0-9-]*)/.exec( location.href ),
		list = null,
		arm = null;

	// A task link (?wikitour=…&wikitask=TYPE) names the type; keep it with the page it is for.
	if ( m ) {
		mw.storage.setObject( KEY, { type: m[ 1 ], page: mw.config.get( 'wgPageName' ) } );
	}

	/**
	 * @return {jQuery.Promise} The published lists (an empty one when missing or malformed)
	 */
	function load() {
		if ( !list ) {
			list = $.getJSON( mw.config.get( 'wgScriptPath' ) + '/api.php', { action: 'query',
				format: 'json', formatversion: 2, prop: 'revisions', rvprop: 'content',
				rvslots: 'main', titles: wt.messages.title( 'tasks' ), maxage: 3600, smaxage: 3600 } ).then( function ( r ) {
				var page = r && r.query && r.query.pages && r.query.pages[ 0 ],
					data = null;
				try {
					data = JSON.parse( page.revisions[ 0 ].slots.main.content );
				} catch ( e ) {}
				return data && data.format === 1 && data.types && typeof data.types === 'object' ?
					data : { types: {}, topics: [], offer: 3 };
			}, function () {
				return { types: {}, topics: [], offer: 3 };
			} );
		}
		return list;
	}

	/**
	 * @param {string[]} titles
	 * @param {boolean} [authors] Also say who saved each page's latest revision
	 * @return {jQuery.Promise} The pages' contents parsed as JSON (unreadable ones left out);
	 *  with authors, objects {data, user}
	 */
	function readJson( titles, authors ) {
		return $.getJSON( mw.config.get( 'wgScriptPath' ) + '/api.php', { action: 'query',
			format: 'json', formatversion: 2, prop: 'revisions',
			rvprop: authors ? 'content|user' : 'content',
			rvslots: 'main', titles: titles.join( '|' ) } ).then( function ( r ) {
			var out = [];
			( r && r.query && Array.isArray( r.query.pages ) ? r.query.pages : [] ).forEach( function ( page ) {
				try {
					var rev = page.revisions[ 0 ],
						data = JSON.parse( rev.slots.main.content );
					out.push( authors ? { data: data, user: String( rev.user || '' ) } : data );
				} catch ( e ) {}
			} );
			return out;
		} );
	}

	/**
	 * The experiments' record pages that a trusted account saved last; the others are ignored.
	 *
	 * A record page is a Project: page, which any account may be able to edit, and it decides
	 * what a reader is offered. The bot writes it with its own account, which has MediaWiki's
	 * "bot" right (bot group) or may edit site JSON ("editsitejson": interface admins and, on
	 * 1.39/1.43, administrators: the default publishing trust of publish/trust.py). A record
	 * whose latest revision is by anyone else (a forged assignment, or a good one edited by
	 * hand) counts for nobody: the reader gets the offers, as readers outside the experiment
	 * do, until the bot saves the page again. The published data names no bot account, so
	 * the trust is MediaWiki's own rights, read from the wiki, never from the page itself.
	 *
	 * @param {string[]} titles
	 * @return {jQuery.Promise} The trusted records' contents
	 */
	function trustedRecords( titles ) {
		return readJson( titles, true ).then( function ( pages ) {
			var users = pages.map( function ( p ) {
				return p.user;
			} ).filter( function ( u, i, all ) {
				return u && all.indexOf( u ) === i;
			} );
			if ( !users.length ) {
				return [];
			}
			return $.getJSON( mw.config.get( 'wgScriptPath' ) + '/api.php', { action: 'query',
				format: 'json', formatversion: 2, list: 'users', usprop: 'rights',
				ususers: users.slice( 0, 50 ).join( '|' ) } ).then( function ( r ) {
				var trusted = {};
				( r && r.query && Array.isArray( r.query.users ) ? r.query.users : [] ).forEach( function ( u ) {
					var rights = u && Array.isArray( u.rights ) ? u.rights : [];
					if ( typeof u.name === 'string' && ( rights.indexOf( 'bot' ) !== -1 ||
						rights.indexOf( 'editsitejson' ) !== -1 ) ) {
						trusted[ u.name ] = true;
					}
				} );
				return pages.filter( function ( p ) {
					return Object.prototype.hasOwnProperty.call( trusted, p.user );
				} ).map( function ( p ) {
					return p.data;
				} );
			} );
		} );
	}

	/**
	 * Whether this reader may be offered tasks: not when an experiment assigned them to an arm
	 * with "tasks": false (contracts/experiments.py, docs/outcomes.md). The arm is read from
	 * the experiment's record page (Project:Wikitours/Experiments/<name>.json), where the bot
	 * records every assignment, and only when a trusted account saved it last
	 * (trustedRecords); only experiments with such an arm cost more requests.
	 *
	 * @return {jQuery.Promise} true to offer, false not to
	 */
	function allowed() {
		var user = mw.config.get( 'wgUserName' );
		if ( !arm ) {
			arm = !user ? $.Deferred().resolve( true ).promise() :
				readJson( [ 'Project:Wikitours/Experiments.json' ] ).then( function ( pages ) {
					var off = {},
						names = [],
						entries = pages[ 0 ] && Array.isArray( pages[ 0 ].experiments ) ? pages[ 0 ].experiments : [];
					entries.forEach( function ( x ) {
						( x && TYPE.test( x.name || '' ) && Array.isArray( x.variants ) ? x.variants : [] ).forEach( function ( v ) {
							if ( v && v.tasks === false && typeof v.id === 'string' ) {
								off[ x.name ] = ( off[ x.name ] || [] ).concat( [ v.id ] );
							}
						} );
					} );
					names = Object.keys( off ).slice( 0, 20 );
					if ( !names.length ) {
						return true;
					}
					return trustedRecords( names.map( function ( n ) {
						return 'Project:Wikitours/Experiments/' + n + '.json';
					} ) ).then( function ( records ) {
						return !records.some( function ( rec ) {
							var ids = rec && Object.prototype.hasOwnProperty.call( off, rec.experiment ) ? off[ rec.experiment ] : [];
							return ids.length && Array.isArray( rec.assignments ) && rec.assignments.some( function ( a ) {
								return a && a.username === user && ids.indexOf( a.variant ) !== -1;
							} );
						} );
					} );
				} ).then( null, function () {
					return true;
				} );
		}
		return arm;
	}

	/**
	 * @param {Object} data The published lists
	 * @param {string} typeId
	 * @param {number} topic Index into data.topics, or -1 for any
	 * @param {string[]} skip Titles the learner already worked on
	 * @return {string[]} Up to data.offer titles, in random order
	 */
	function pick( data, typeId, topic, skip ) {
		var pages = ( data.types[ typeId ] || {} ).pages || [],
			out = [],
			n = Math.min( Math.max( 1, Math.floor( Number( data.offer ) ) || 3 ), 10 ),
			i, j, tmp;
		pages.forEach( function ( p ) {
			if ( Array.isArray( p ) && typeof p[ 0 ] === 'string' && Array.isArray( p[ 1 ] ) &&
				skip.indexOf( p[ 0 ] ) === -1 && ( topic < 0 || p[ 1 ].indexOf( topic ) !== -1 ) ) {
				out.push( p[ 0 ] );
			}
		} );
		for ( i = out.length - 1; i > 0; i-- ) {
			j = Math.floor( Math.random() * ( i + 1 ) );
			tmp = out[ i ];
			out[ i ] = out[ j ];
			out[ j ] = tmp;
		}
		return out.slice( 0, n );
	}

	function done() {
		var p = wt.progress.all();
		return ( p && Array.isArray( p.tasks ) ? p.tasks : [] ).map( function ( t ) {
			return t && t.title;
		} );
	}

	/**
	 * Fill *$box* with an offer for every type *wanted* accepts.
	 *
	 * @param {jQuery} $box
	 * @param {Function} wanted ( type, typeId ) → boolean
	 */
	function offer( $box, wanted ) {
		$.when( load(), allowed() ).then( function ( data, on ) {
			$box.attr( 'data-wikitours-offers', on ? 'on' : 'off' );
			if ( !on ) {
				return;
			}
			Object.keys( data.types ).forEach( function ( typeId ) {
				var type = data.types[ typeId ],
					$list, $select;
				if ( !TYPE.test( typeId ) || !type || !wanted( type, typeId ) || !TYPE.test( type.tour || '' ) ) {
					return;
				}
				$list = $( '<ul>' ).addClass( 'wikitours-tasks__list' );
				function fill( topic ) {
					var titles = pick( data, typeId, topic, done() );
					$list.empty();
					titles.forEach( function ( title ) {
						$list.append( $( '<li>' ).append( $( '<a>' )
							.attr( 'href', mw.util.getUrl( title, { wikitour: type.tour, wikitask: typeId } ) )
							.attr( 'data-wikitours-task', typeId )
							.text( title ) ) );
					} );
					if ( !titles.length ) {
						$list.append( $( '<li>' ).append( M.dom( 'wikitours-tasks-none' ) ) );
					}
				}
				$box.append( $( '<p>' ).addClass( 'wikitours-tasks__intro' )
					.append( M.dom( 'wikitours-tasks-offer' ) ) );
				if ( Array.isArray( data.topics ) && data.topics.length ) {
					$select = $( '<select>' ).addClass( 'wikitours-tasks__topic' )
						.attr( 'aria-label', M.text( 'wikitours-tasks-topic' ) )
						.append( $( '<option>' ).val( '-1' ).text( M.text( 'wikitours-tasks-any-topic' ) ) );
					data.topics.forEach( function ( t, i ) {
						if ( typeof t === 'string' ) {
							$select.append( $( '<option>' ).val( String( i ) ).text( t ) );
						}
					} );
					$select.on( 'change', function () {
						fill( Number( $select.val() ) );
					} );
					$box.append( $( '<label>' ).addClass( 'wikitours-tasks__label' )
						.text( M.text( 'wikitours-tasks-topic' ) + ' ' ).append( $select ) );
				}
				$box.append( $list );
				fill( -1 );
			} );
			// the offer arrives after the popover was placed: a bottom sheet on a phone grows
			// below the screen unless it is placed again
			if ( wt.popover && $.contains( wt.popover.element() || document.createElement( 'i' ), $box[ 0 ] ) ) {
				wt.popover.reposition();
			}
		} );
	}

	/**
	 * A tour ended. Called by tour.js's complete() before it saves the progress page, so a task
	 * edit is saved with it in the same edit.
	 *
	 * @param {Object} t The tour
	 * @param {Object} edits step id → revision id
	 * @return {jQuery[]} What to add to the completion popover's body
	 */
	function completed( t, edits ) {
		var task = mw.storage.getObject( KEY ),
			p = wt.progress.all(),
			revid = 0,
			$box = $( '<div>' ).addClass( 'wikitours-tasks__offer' );
		Object.keys( edits || {} ).forEach( function ( k ) {
			revid = typeof edits[ k ] === 'number' ? edits[ k ] : revid;
		} );
		if ( task && TYPE.test( task.type || '' ) && task.page === mw.config.get( 'wgPageName' ) &&
			mw.config.get( 'wgNamespaceNumber' ) === 0 && revid > 0 && p ) {
			mw.storage.remove( KEY );
			p.tasks = ( Array.isArray( p.tasks ) ? p.tasks : [] ).concat( [ {
				type: task.type,
				title: mw.config.get( 'wgTitle' ),
				revid: revid,
				done: new Date().toISOString().replace( /\.\d+Z$/, 'Z' )
			} ] ).slice( -MAX );
			// one more of the same kind, for those who want to go on
			offer( $box, function ( type, typeId ) {
				return typeId === task.type;
			} );
			return [ M.dom( 'wikitours-tasks-recorded' ), $box ];
		}
		offer( $box, function ( type ) {
			return type.learn === t.id;
		} );
		return [ $box ];
	}

	/**
	 * The catalogue (Help:Wikitours) has an empty place for offers: fill it with the task types
	 * whose teaching tour this reader completed. The loader calls this only for readers signed
	 * in (an anonymous reader's progress is in their browser, and offers need their progress
	 * page to leave out the articles they already worked on).
	 */
	function catalogue() {
		var el = document.getElementById( 'wikitours-practice' ),
			user = mw.config.get( 'wgUserName' ),
			lang = mw.config.get( 'wgUserLanguage' ),
			langs = [ lang, lang.split( '-' )[ 0 ], 'en' ];
		if ( !el || !user || el.getAttribute( 'data-wikitours-offers' ) ) {
			return;
		}
		el.setAttribute( 'data-wikitours-offers', 'loading' );
		M.load( {
			id: 'ui',
			draft: false,
			langs: langs,
			data: wt.messages.read( [ wt.messages.title( 'config' ) ].concat( langs.map( function ( code ) {
				return wt.messages.title( 'messages', 'ui', code );
			} ) ), true ),
			progress: wt.messages.read( [ wt.messages.title( 'progress', user ) ] )
		} ).then( function ( data ) {
			var tours;
			wt.progress.init( data.progress );
			tours = ( wt.progress.all() || {} ).tours || {};
			offer( $( el ), function ( type ) {
				return typeof type.learn === 'string' && Object.prototype.hasOwnProperty.call( tours, type.learn ) &&
					tours[ type.learn ] && tours[ type.learn ].status === 'completed';
			} );
		} );
	}

	wt.tasks = { load: load, pick: pick, offer: offer, allowed: allowed, completed: completed,
		catalogue: catalogue };
}( mw.libs.wikitours ) );
